// Runs one case in its own process (started by run.ts with fd 1 = /dev/null and an IPC
// channel) and sends back { ok, result } or { ok: false, error }.
//
// One process per case because node:wasi itself crashes the process (SIGSEGV, or a V8
// deoptimizer CHECK) after a few hundred to a few thousand instantiate+start cycles; a crash
// then costs one case a retry, not the whole run. See /work/notes/bench-findings.md.
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
