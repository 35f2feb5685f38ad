#!/usr/bin/env node
// The `warden` command: a launcher for the compiled CLI (built by `npm ci` / `npm run build`).
// Whatever escapes is Warden's own failure: one line and status 70, never a stack trace.
function internal(e) {
  process.stderr.write(`warden: internal error: ${String(e?.message ?? e).split('\n')[0]}\n`);
  if (process.env.WARDEN_DEBUG) process.stderr.write(`${e?.stack}\n`);
  process.exit(70);
}
process.on('uncaughtException', internal);
process.on('unhandledRejection', internal);

let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/src/cli/main.js')) internal(e);
  process.stderr.write('warden: not built yet: run `npm run build` (or `npm ci`) first\n');
  process.exit(70);
}
// A closed pipe (`warden ... | head`) must not turn into a crash with a stack trace.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
const code = await cli.main(process.argv.slice(2));
// Exit explicitly (a guest's leftovers must not keep the command alive), but only once our own
// stdout/stderr writes are flushed: pipes are asynchronous on some platforms.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
