// The `warden` command. main() never throws: every failure becomes one "warden: ..." line on
// stderr and an exit status from DESIGN.md's table (2 bad command line, 70 internal failure).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { nativeDeadline } from '../node/deadline-native.js';
import { nativeFs } from '../node/host-native.js';
import { run } from '../node/run.js';
import { WardenUsageError } from '../run/errors.js';
import { exitStatusFor, resultToJSON, type RunResult } from '../run/result.js';
import { MAIN_HELP, RUN_HELP } from './help.js';
import { importsFdRead } from './module-imports.js';
import { buildRunOptions } from './options.js';
import { parseCommandLine, type RunArgs } from './parse.js';
import { loadPolicyFile } from './policy-file.js';
import { ownStdin } from './stdin.js';
import { openTrace } from './trace.js';
import { CliUsageError, fsReason, usage } from './errors.js';

export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

/** Run `warden` with `argv` (without node and script); resolves with the exit status. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    process.stderr.write(MAIN_HELP);
    return EXIT_USAGE;
  }
  try {
    const cmd = parseCommandLine(argv, process.env);
    switch (cmd.kind) {
      case 'help': process.stdout.write(cmd.topic === 'run' ? RUN_HELP : MAIN_HELP); return 0;
      case 'version': process.stdout.write(`warden ${version()}\n${nativeLine()}\n`); return 0;
      case 'run': return await runCommand(cmd.args);
    }
  } catch (e) {
    if (e instanceof CliUsageError || e instanceof WardenUsageError) {
      say(e.message);
      return EXIT_USAGE;
    }
    say(`internal error: ${(e as Error)?.message ?? String(e)}`);
    if (process.env.WARDEN_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return EXIT_INTERNAL;
  }
}

async function runCommand(a: RunArgs): Promise<number> {
  const module = readModule(a.module);
  const policy = a.policy === undefined ? undefined : loadPolicyFile(a.policy);
  const { options, ownStdin: stdinMode } = buildRunOptions(a, policy);
  if (stdinMode === 'always' || (stdinMode === 'auto' && importsFdRead(module))) options.stdin = await ownStdin(stdinMode, options.isolation ?? 'inline');
  const trace = a.trace ? openTrace(a.traceFile) : undefined;
  if (trace !== undefined) options.trace = (line) => trace.line(line);
  let result: RunResult;
  try {
    result = await run(module, options);
  } finally {
    trace?.close();
  }
  // A policy may ask for captured output; the CLI still shows it, after the run.
  if (result.stdout !== undefined) process.stdout.write(result.stdout);
  if (result.stderr !== undefined) process.stderr.write(result.stderr);
  if (a.report !== undefined) writeReport(a.report, result);
  if (result.outcome !== 'exited') say(describe(a.module, result));
  return exitStatusFor(result);
}

function readModule(path: string): Uint8Array {
  try {
    if (statSync(path).isDirectory()) usage(`module ${JSON.stringify(path)} is a directory`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    usage(`cannot read module ${JSON.stringify(path)}: ${fsReason(e)}`);
  }
}

function writeReport(file: string, result: RunResult): void {
  try {
    writeFileSync(file, JSON.stringify(resultToJSON(result), null, 2) + '\n');
  } catch (e) {
    // The run happened; its status stands, but the user asked for a report and must know.
    say(`--report: cannot write ${JSON.stringify(file)}: ${fsReason(e)}`);
  }
}

/** One line saying why a run did not end with a guest exit. */
function describe(module: string, r: RunResult): string {
  const e = r.error;
  const msg = e?.message ?? 'no details';
  switch (r.outcome) {
    case 'rejected': return `module ${JSON.stringify(module)} rejected: ${msg}`;
    case 'trapped': {
      const kind = e !== undefined && 'kind' in e ? ` (${e.kind})` : '';
      const at = e !== undefined && 'frames' in e && e.frames.length > 0 ? ` in ${e.frames[0]!.name}` : '';
      return `guest trapped${kind}${at}: ${msg}`;
    }
    case 'timeout': return `guest stopped: ${msg}`;
    case 'aborted': return `guest aborted: ${msg}`;
    case 'limit': return `guest stopped at a limit: ${msg}`;
    default: return `guest ended: ${r.outcome}`;
  }
}

function say(message: string): void {
  // Messages can quote the guest (function names from its name section): keep them one short
  // line without control characters (no terminal escapes, no carriage returns).
  let line = message.replace(/\s*\n\s*/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  if (line.length > 1000) line = line.slice(0, 1000) + '...';
  process.stderr.write(`warden: ${line}\n`);
}

/** Which optional native addons this install has (each has a pure-TypeScript fallback). */
function nativeLine(): string {
  const yes = (b: boolean): string => (b ? 'native' : 'fallback');
  return `hostDir syscalls: ${yes(nativeFs() !== null)} (openat shim | /proc paths); `
    + `inline deadline: ${yes(nativeDeadline() !== null)} (timer thread | vm watchdog)`;
}

function version(): string {
  // dist/src/cli/main.js → the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
