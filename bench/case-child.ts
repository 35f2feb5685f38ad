// Runs one case in its own process (started by run.ts with fd 1 = /dev/null and an IPC
// channel) and sends back { ok, result } or { ok: false, error }.
//
// One process per case because node:wasi itself crashes its process now and then: SIGSEGV
// from a corrupted heap or SIGABRT in uvwasi_destroy, when a GC runs inside one of its calls
// (see node-wasi.ts and RATIONALE.md, "Why does the bench run each case in its own process?").
// A crash costs one case a retry (run.ts), not the whole run, and is listed under the table.
import { allCases } from './cases.js';
import { cleanupScratch } from './env.js';
import { measurePair } from './measure.js';

const id = process.argv[2];
const c = allCases().find((x) => x.id === id);
try {
  if (c === undefined) throw new Error(`no case ${id}`);
  const jobs = await c.prepare();
  const result = await measurePair(jobs.warden, jobs.node, c.opts);
  process.send!({ ok: true, result });
} catch (e) {
  process.send!({ ok: false, error: (e as Error).stack ?? String(e) });
} finally {
  cleanupScratch();
}
