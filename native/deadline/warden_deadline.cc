// warden_deadline: a deadline for a synchronous call on the calling thread, from one timer
// thread that lives as long as the process (src/node/inline.ts uses it when it is built).
//
// Node's own way, `vm.Script#runInThisContext({ timeout })`, starts a new watchdog thread (with
// its own event loop) for every call and joins it afterwards: 30 us on an idle core, hundreds
// on a loaded one, per run. Here arming is a list insert under a mutex, and the one timer
// thread is only woken when a new deadline is earlier than the one it sleeps towards. When a
// deadline passes, the timer calls v8::Isolate::TerminateExecution() (what the vm watchdog
// calls), V8 stops the guest at its next interrupt check, and invoke() turns the termination
// into an ordinary exception with code WARDEN_DEADLINE after CancelTerminateExecution().
// See RATIONALE.md, "Why a native deadline timer beside the vm watchdog?".
//
// Main thread only: in a worker, Node's terminate() also uses TerminateExecution, and cancelling
// a termination that was also the worker's own stop would keep the worker running (Node's vm
// code checks its private "is stopping" flag for this; an addon cannot). inline.ts keeps the
// vm watchdog there.

#include <node.h>
#include <v8.h>

#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

struct Arm {
  v8::Isolate* isolate;
  Clock::time_point at;
  bool fired;
};

// Never destroyed: the detached timer thread may still wait on them while the process exits
// (destroying a condition variable with a waiter blocks forever).
std::mutex& mu = *new std::mutex;
std::condition_variable& wake = *new std::condition_variable;
std::list<Arm*>& arms = *new std::list<Arm*>;  // every call now running under a deadline
bool timer_started = false;
bool timer_waiting = false;       // the timer sleeps until `timer_until` (or idles if !has_until)
bool has_until = false;
Clock::time_point timer_until;

void TimerLoop() {
  std::unique_lock<std::mutex> lock(mu);
  for (;;) {
    Arm* next = nullptr;
    for (Arm* a : arms) {
      if (!a->fired && (next == nullptr || a->at < next->at)) next = a;
    }
    if (next != nullptr && Clock::now() >= next->at) {
      next->fired = true;
      next->isolate->TerminateExecution();  // under `mu`: the arm cannot be gone
      continue;
    }
    timer_waiting = true;
    has_until = next != nullptr;
    if (has_until) {
      timer_until = next->at;
      wake.wait_until(lock, timer_until);
    } else {
      wake.wait(lock);
    }
    timer_waiting = false;
  }
}

void Throw(v8::Isolate* isolate, const char* message, const char* code) {
  v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
  v8::Local<v8::Value> err = v8::Exception::Error(
      v8::String::NewFromUtf8(isolate, message).ToLocalChecked());
  err.As<v8::Object>()
      ->Set(ctx, v8::String::NewFromUtf8Literal(isolate, "code"),
            v8::String::NewFromUtf8(isolate, code).ToLocalChecked())
      .Check();
  isolate->ThrowException(err);
}

// invoke(fn, ms): calls fn() with no arguments; if it is still running `ms` milliseconds later
// it is terminated and invoke throws an Error with code WARDEN_DEADLINE. fn's own exceptions
// pass through unchanged; a termination that is not this call's deadline keeps propagating.
void Invoke(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  if (info.Length() < 2 || !info[0]->IsFunction() || !info[1]->IsNumber()) {
    isolate->ThrowException(v8::Exception::TypeError(
        v8::String::NewFromUtf8Literal(isolate, "warden_deadline: invoke(fn, ms)")));
    return;
  }
  double ms = info[1].As<v8::Number>()->Value();
  if (!(ms >= 0) || ms > 1e12) {
    isolate->ThrowException(v8::Exception::RangeError(
        v8::String::NewFromUtf8Literal(isolate, "warden_deadline: ms must be in [0, 1e12]")));
    return;
  }
  Arm arm{isolate, Clock::now() + std::chrono::microseconds(static_cast<int64_t>(ms * 1000)), false};
  bool notify = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!timer_started) {
      std::thread(TimerLoop).detach();
      timer_started = true;
    }
    arms.push_back(&arm);
    // Wake the timer only if it idles or sleeps towards a later deadline than this one.
    notify = timer_waiting && (!has_until || arm.at < timer_until);
  }
  if (notify) wake.notify_one();

  v8::Local<v8::Value> value;
  bool ok;
  {
    // Only around the call: an exception thrown while a TryCatch is alive would be caught
    // (and dropped) by it.
    v8::TryCatch tc(isolate);
    ok = info[0].As<v8::Function>()->Call(isolate->GetCurrentContext(), v8::Undefined(isolate), 0, nullptr)
             .ToLocal(&value);
    bool fired;
    {
      std::lock_guard<std::mutex> lock(mu);
      arms.remove(&arm);
      fired = arm.fired;
    }
    if (fired) {
      // Ours: whether or not V8 acted on it before fn returned, cancel it and report below.
      isolate->CancelTerminateExecution();
      tc.Reset();
      ok = false;
      value = v8::Local<v8::Value>();
    } else if (!ok || tc.HasCaught()) {
      // fn's own exception goes on up. Someone else's termination (an outer deadline, a
      // worker's terminate()) must not be rethrown: V8 would turn it into a catchable `null`;
      // left alone it keeps terminating up to whoever requested it (as Node's vm does).
      if (!tc.HasTerminated()) tc.ReThrow();
      return;
    }
  }
  if (!ok) {
    Throw(isolate, "warden: deadline exceeded", "WARDEN_DEADLINE");
    return;
  }
  info.GetReturnValue().Set(value);
}

}  // namespace

NODE_MODULE_INIT(/* exports, module, context */) {
  v8::Isolate* isolate = context->GetIsolate();
  exports
      ->Set(context, v8::String::NewFromUtf8Literal(isolate, "invoke"),
            v8::FunctionTemplate::New(isolate, Invoke)->GetFunction(context).ToLocalChecked())
      .Check();
}
