// Command-line parsing for `warden`. Pure: it reads no files and touches no host state except
// the environment map it is given (for `--env NAME`), so it is easy to test.
import type { ClockOption } from '../time/clocks.js';
import type { RandomOption } from '../time/random.js';
import { usage } from './errors.js';
import {
  parseClock, parseCount, parseDir, parseEnv, parseMemfs, parseMs, parseNumber, parseRandom, parseSize, type DirSpec,
} from './values.js';

export type Isolation = 'inline' | 'worker' | 'process';

export interface RunArgs {
  module: string;
  /** Arguments after MODULE (the guest's argv[1..]). */
  guestArgs: string[];
  dirs: DirSpec[];
  env: [string, string][];
  clock?: ClockOption;
  random?: RandomOption;
  /** A file path, or "-" for Warden's own stdin. */
  stdin?: string;
  trace: boolean;
  traceFile?: string;
  report?: string;
  timeoutMs?: number;
  memoryBytes?: number;
  outputBytes?: number;
  openFiles?: number;
  fuel?: number;
  isolation?: Isolation;
  stackSizeMb?: number;
  policy?: string;
}

export type Command =
  | { kind: 'help'; topic: 'main' | 'run' }
  | { kind: 'version' }
  | { kind: 'run'; args: RunArgs };

type Handler = (r: RunArgs, value: string, hostEnv: Record<string, string | undefined>) => void;

/** Flags of `warden run` that take a value. */
const VALUE_FLAGS: Record<string, Handler> = {
  '--dir': (r, v) => { r.dirs.push(parseDir('--dir', v, false)); },
  '--dir-ro': (r, v) => { r.dirs.push(parseDir('--dir-ro', v, true)); },
  '--overlay': (r, v) => { r.dirs.push(parseDir('--overlay', v, false, 'overlay')); },
  '--memfs': (r, v) => { r.dirs.push(parseMemfs(v)); },
  '--env': (r, v, env) => { const kv = parseEnv(v, env); if (kv !== null) r.env.push(kv); },
  '--clock': (r, v) => { r.clock = parseClock(v); },
  '--random': (r, v) => { r.random = parseRandom(v); },
  '--stdin': (r, v) => { r.stdin = v; },
  '--trace-file': (r, v) => { r.traceFile = v; r.trace = true; },
  '--report': (r, v) => { r.report = v; },
  '--timeout-ms': (r, v) => { r.timeoutMs = parseMs('--timeout-ms', v); },
  '--memory-limit': (r, v) => { r.memoryBytes = parseSize('--memory-limit', v); },
  '--max-output': (r, v) => { r.outputBytes = parseSize('--max-output', v); },
  '--max-open-files': (r, v) => { r.openFiles = parseCount('--max-open-files', v); },
  '--fuel': (r, v) => { r.fuel = parseCount('--fuel', v); },
  '--stack-size-mb': (r, v) => { r.stackSizeMb = parseNumber('--stack-size-mb', v, 'MiB'); },
  '--isolation': (r, v) => {
    if (v !== 'inline' && v !== 'worker' && v !== 'process') usage(`--isolation: expected inline, worker or process, got ${JSON.stringify(v)}`);
    r.isolation = v;
  },
  '--policy': (r, v) => { r.policy = v; },
};

/** Every flag `warden run` accepts (the help test checks each is documented). */
export const RUN_FLAGS = ['--help', '--trace', ...Object.keys(VALUE_FLAGS)];

const SINGLE_USE = new Set(['--clock', '--random', '--stdin', '--trace-file', '--report', '--timeout-ms',
  '--memory-limit', '--max-output', '--max-open-files', '--fuel', '--isolation', '--stack-size-mb', '--policy']);

/** Parse `warden` arguments (process.argv without node and the script). */
export function parseCommandLine(argv: string[], hostEnv: Record<string, string | undefined> = {}): Command {
  const [first, ...rest] = argv;
  if (first === undefined) usage("missing command (try 'warden --help')");
  if (first === '-h' || first === '--help') return { kind: 'help', topic: 'main' };
  if (first === '-V' || first === '--version') return { kind: 'version' };
  if (first === 'help') {
    if (rest.length === 0) return { kind: 'help', topic: 'main' };
    if (rest[0] === 'run' && rest.length === 1) return { kind: 'help', topic: 'run' };
    usage(`no help for ${JSON.stringify(rest.join(' '))} (try 'warden --help')`);
  }
  if (first === 'run') return parseRun(rest, hostEnv);
  if (first.startsWith('-')) usage(`unknown option ${JSON.stringify(first)} (try 'warden --help')`);
  usage(`unknown command ${JSON.stringify(first)} (try 'warden run ${first}' or 'warden --help')`);
}

function parseRun(argv: string[], hostEnv: Record<string, string | undefined>): Command {
  const r: RunArgs = { module: '', guestArgs: [], dirs: [], env: [], trace: false };
  const seen = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') return { kind: 'help', topic: 'run' };
    if (a === '--trace') { r.trace = true; continue; }
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const handler = VALUE_FLAGS[flag];
    if (handler === undefined) usage(`unknown option ${JSON.stringify(flag)} for 'warden run' (try 'warden run --help')`);
    let value: string;
    if (flag !== a) value = a.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i]!;
    else usage(`${flag} needs a value (try 'warden run --help')`);
    if (SINGLE_USE.has(flag) && seen.has(flag)) usage(`${flag} given more than once`);
    seen.add(flag);
    handler(r, value, hostEnv);
  }
  if (i >= argv.length) usage("missing MODULE: usage is 'warden run [OPTIONS] MODULE [ARGS...]'");
  r.module = argv[i]!;
  r.guestArgs = argv.slice(i + 1);
  return { kind: 'run', args: r };
}
