// Loads the optional native deadline timer (native/deadline/warden_deadline.cc, built by
// `npm install` through scripts/build-native.mjs). Main thread only (see the C++ file): in a
// worker, and when the addon is missing or WARDEN_NATIVE=0 is set, inline.ts uses the vm
// watchdog. See RATIONALE.md, "Why a native deadline timer beside the vm watchdog?".

import { isMainThread } from 'node:worker_threads';
import { loadAddon } from './native-addon.js';

export interface NativeDeadline {
  /**
   * Call fn(); if it still runs `ms` milliseconds later, terminate it and throw an Error with
   * code WARDEN_DEADLINE. fn's own exceptions pass through.
   */
  invoke(fn: () => void, ms: number): unknown;
}

/** The error code of a native deadline. */
export const NATIVE_DEADLINE_CODE = 'WARDEN_DEADLINE';

let loaded: NativeDeadline | null | undefined;

/** The timer, or null (not built, not Linux, a worker thread, or disabled). */
export function nativeDeadline(): NativeDeadline | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

function load(): NativeDeadline | null {
  // Built for another Node version (this addon uses V8's C++ API), it fails to load: vm is used.
  if (!isMainThread) return null;
  return loadAddon<NativeDeadline>('deadline/build/Release/warden_deadline.node', (m) => typeof m.invoke === 'function');
}
