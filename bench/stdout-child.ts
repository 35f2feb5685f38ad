// Child process for the stdout-writes case: its fd 1 is /dev/null, so Warden's
// `stdout: 'inherit'` and node:wasi's `stdout: 1` both write to the same real fd, the fairest
// comparison of the two (a callback sink would add a copy and a JS call per line).
// Started by cases-io.ts with an IPC channel; sends back { warden, node } summaries.
import { run } from '../src/index.js';
import { captureFd, cleanupScratch, expectOk, expectSameOutput, fixture } from './env.js';
import { measurePair, type PairOptions } from './measure.js';
import { runNodeWasi } from './node-wasi.js';

const [lines, opts] = [process.argv[2] ?? '100000', JSON.parse(process.argv[3] ?? '{}') as PairOptions];
const m = fixture('bench-write');
const args = ['write', lines];
try {
  expectSameOutput('write-stdout', await run(m, { args }), captureFd((fd) => runNodeWasi(m, { args, stdout: fd })));
  const r = await measurePair(
    async () => expectOk(await run(m, { args, stdout: 'inherit' }), 'write-stdout'),
    () => runNodeWasi(m, { args, stdout: 1 }),
    opts);
  process.send!({ ok: true, result: r });
} catch (e) {
  process.send!({ ok: false, error: (e as Error).stack ?? String(e) });
} finally {
  cleanupScratch();
}
