// End-to-end tests of the `warden` command: each test spawns `node bin/warden.js ...`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGuests, guestDir } from './guests.js';
import { RUN_FLAGS } from '../../src/cli/parse.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = join(root, 'bin/warden.js');
const hello = join(root, 'fixtures/wasm/hello.wasm');

interface Ran { status: number | null; stdout: string; stderr: string }

function warden(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: Record<string, string> } = {}): Ran {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? root,
    input: opts.input ?? '',
    env: { PATH: process.env.PATH ?? '', ...(opts.env ?? {}) },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failure the CLI reports must be exactly one "warden: ..." line, never a stack trace. */
function assertOneLine(r: Ran, pattern: RegExp): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one stderr line, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^warden: /);
  assert.match(lines[0]!, pattern);
}

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-'));
  made.push(dir);
  return dir;
}

let g: Record<string, string>;
before(async () => { g = await buildGuests(); });
after(() => {
  for (const dir of [...made, guestDir()]) rmSync(dir, { recursive: true, force: true });
});

describe('warden run: arguments, environment, stdio', () => {
  test('hello world gets argv[0] = basename, the arguments after MODULE, and only granted env', () => {
    const r = warden(['run', '--env', 'NAME=Ada', hello, 'one', '--two'], { env: { HOME: '/should/not/leak' } });
    assert.equal(r.status, 1, r.stderr); // "one" is not a mounted directory, so the guest fails listing it
    assert.match(r.stdout, /^Hello, Ada, from inside the sandbox!\nargv: hello\.wasm one --two\n/);
  });

  test('no --env means no environment; --env NAME copies one host variable', () => {
    assert.match(warden(['run', hello], { env: { NAME: 'Leak' } }).stdout, /Hello, stranger/);
    const r = warden(['run', '--env', 'NAME', hello], { env: { NAME: 'Grace' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Hello, Grace/);
    assert.match(warden(['run', '--env', 'NAME', hello]).stdout, /Hello, stranger/, 'unset host variable is skipped');
    assert.match(warden(['run', '--env=NAME=a=b', hello]).stdout, /Hello, a=b,/, '--flag=value form; value keeps "="');
  });

  test('--stdin FILE feeds the guest that file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'in.txt'), 'line one\nline two\n');
    const r = warden(['run', '--stdin', join(dir, 'in.txt'), g.cat!], { input: 'not this' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'line one\nline two\n');
  });

  test("by default the guest reads warden's own stdin", () => {
    const input = Buffer.alloc(100_000, 'x');
    const r = warden(['run', g.cat!], { input });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, input.toString());
  });

  test('a module without fd_read does not wait for a stdin that never closes', async () => {
    // hello.wasm never reads stdin (no fd_read import); the pipe stays open until it exits.
    const child = spawn(process.execPath, [bin, 'run', hello, 'x'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill(), 10_000);
    const [code] = await once(child, 'exit') as [number | null];
    clearTimeout(timer);
    child.stdin.destroy();
    assert.equal(code, 1, 'hello exits 1 when it cannot list "x"; null means it hung and was killed');
  });

  test('--stdin with a missing file is a usage error', () => {
    const r = warden(['run', '--stdin', '/nonexistent/in.txt', g.cat!]);
    assert.equal(r.status, 2);
    assertOneLine(r, /stdin.*nonexistent/);
  });
});

describe('warden run: directories', () => {
  test('--dir HOST::GUEST mounts a directory the guest can list', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'b.txt'), 'b');
    mkdirSync(join(dir, 'a-sub'));
    const r = warden(['run', '--dir', `${dir}::/data`, hello, '/data']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\/data:\n {2}a-sub\n {2}b\.txt\n$/);
  });

  test('the guest sees GUEST (default: HOST as written) as the preopen name, like wasmtime', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const name = (spec: string, cwd = root) => warden(['run', '--dir-ro', spec, g.preopen!], { cwd }).stdout;
    assert.equal(name(`${dir}::fs-tests.dir`), 'fs-tests.dir');
    assert.equal(name(`${dir}::/data/`), '/data');
    assert.equal(name(`${dir}/`), dir);
    assert.equal(name('./sub', dir), './sub');
    assert.equal(name('.', dir), '.');
  });

  test('relative names serve the guest\'s relative paths', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'f.txt'), 'f');
    const abs = warden(['run', '--dir-ro', dir, hello, join(dir, 'sub')]);
    assert.equal(abs.status, 0, abs.stderr);
    assert.match(abs.stdout, /f\.txt/);
    const rel = warden(['run', '--dir-ro', './sub', hello, 'sub'], { cwd: dir });
    assert.equal(rel.status, 0, rel.stderr);
    assert.match(rel.stdout, /sub:\n {2}f\.txt\n$/);
    const dot = warden(['run', '--dir-ro', '.', hello, 'sub'], { cwd: dir });
    assert.equal(dot.status, 0, dot.stderr);
    assert.match(dot.stdout, /f\.txt/);
  });

  test('--dir is writable, --dir-ro is not (EROFS), and nothing lands on the host', () => {
    const rw = tempDir();
    const r = warden(['run', '--dir', `${rw}::/w`, g.writer!]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(join(rw, 'out.txt'), 'utf8'), 'written\n');

    const ro = tempDir();
    const denied = warden(['run', '--dir-ro', `${ro}::/w`, g.writer!]);
    // The read-only preopen lacks the create right (EPERM = 63, as wasmtime); EROFS = 69 for writes.
    assert.ok(denied.status === 63 || denied.status === 69, `exit code is the errno, got ${denied.status}`);
    assert.equal(existsSync(join(ro, 'out.txt')), false);
  });

  test('--overlay lets the guest write while the host directory stays untouched; --memfs is scratch space', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep.txt'), 'k');
    const r = warden(['run', '--overlay', `${dir}::/w`, g.writer!]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(join(dir, 'out.txt')), false);
    const listed = warden(['run', '--overlay', `${dir}::/w`, hello, '/w']);
    assert.match(listed.stdout, /\/w:\n {2}keep\.txt\n$/);
    assert.equal(warden(['run', '--memfs', '/tmp', g.writer!]).status, 0);
  });

  test('the fd and path conformance guests pass every check on a --dir mount', () => {
    for (const name of ['fd', 'path']) {
      const dir = tempDir();
      writeFileSync(join(dir, 'a.txt'), 'hello from a.txt\n');
      const r = warden(['run', '--dir', `${dir}::/sandbox`, join(root, `fixtures/wasm/${name}.wasm`), '/sandbox']);
      assert.equal(r.status, 0, `${name}: ${r.stdout.split('\n').filter((l) => !l.startsWith('ok ')).join('\n')}`);
      assert.match(r.stdout, /^PASS \d+ checks$/m);
    }
  });

  test('a missing --dir is one usage line', () => {
    const r = warden(['run', '--dir', '/nonexistent/dir', hello]);
    assert.equal(r.status, 2);
    assertOneLine(r, /--dir: .*\/nonexistent\/dir/);
  });
});

describe('warden run: exit status', () => {
  test('guest exit codes pass through, above 255 become 255', () => {
    assert.equal(warden(['run', g.exit7!]).status, 7);
    assert.equal(warden(['run', g.exit300!]).status, 255);
  });

  test('a trap exits 134 with one line naming it', () => {
    const r = warden(['run', g.trap!]);
    assert.equal(r.status, 134);
    assertOneLine(r, /trapped \(unreachable\) in boom/);
  });

  test('an invalid module exits 126 with one line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.wasm'), 'this is not wasm');
    const r = warden(['run', join(dir, 'bad.wasm')]);
    assert.equal(r.status, 126);
    assertOneLine(r, /bad\.wasm.* rejected/);
  });

  test('a module whose imports cannot be linked exits 126', () => {
    const r = warden(['run', g.linkfail!]);
    assert.equal(r.status, 126);
    assertOneLine(r, /rejected/);
  });

  test('bad command lines exit 2 with one line', () => {
    for (const args of [['run', '--bogus', hello], ['run', '--clock', 'sometimes', hello], ['run'], ['frobnicate'],
      ['run', '--memory-limit', 'lots', hello], ['run', '--dir'], ['run', '--timeout-ms', '1', '--timeout-ms', '2', hello]]) {
      const r = warden(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assertOneLine(r, /./);
    }
  });

  test('a missing module exits 2 with one line', () => {
    const r = warden(['run', 'no-such-module.wasm']);
    assert.equal(r.status, 2);
    assertOneLine(r, /cannot read module "no-such-module\.wasm": no such file/);
  });

  test('--timeout-ms stops a spinning guest with 124', () => {
    const r = warden(['run', '--timeout-ms', '200', g.spin!]);
    assert.equal(r.status, 124);
    assertOneLine(r, /200 ms/);
  });

  test('--memory-limit makes memory.grow fail: the trap that follows is a memory limit (137)', () => {
    assert.equal(warden(['run', g.grow!]).status, 0);
    const report = join(tempDir(), 'report.json');
    const r = warden(['run', '--memory-limit', '1M', '--report', report, g.grow!]);
    assert.equal(r.status, 137, r.stderr);
    assertOneLine(r, /limit/);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(json.outcome, 'limit');
    assert.equal(json.error.limit, 'memory');
    assert.ok(json.memoryPeakBytes <= 1024 * 1024, `peak ${json.memoryPeakBytes}`);
  });

  test('--fuel stops a spinning guest with 137 and reports the fuel used', () => {
    const report = join(tempDir(), 'report.json');
    const r = warden(['run', '--fuel', '100000', '--report', report, g.spin!]);
    assert.equal(r.status, 137, r.stderr);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(json.error.limit, 'fuel');
    assert.equal(warden(['run', '--fuel', '1e9', '--report', report, g.chatty!], {}).status, 0);
    const used = JSON.parse(readFileSync(report, 'utf8')).fuelUsed;
    assert.ok(used > 0, `fuelUsed ${used}`);
    warden(['run', '--fuel', '1e9', '--report', report, g.chatty!]);
    assert.equal(JSON.parse(readFileSync(report, 'utf8')).fuelUsed, used, 'same run, same fuel');
  });

  test('--max-output stops a guest at the cap with 137, keeping output up to it', () => {
    const r = warden(['run', '--max-output', '10K', g.chatty!]);
    assert.equal(r.status, 137, r.stderr);
    assert.equal(r.stdout.length, 10 * 1024);
  });
});

describe('warden run: --report, --trace, clocks and random', () => {
  test('--report writes the result as JSON', () => {
    const dir = tempDir();
    const file = join(dir, 'report.json');
    assert.equal(warden(['run', '--report', file, g.exit7!]).status, 7);
    const exited = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(exited.outcome, 'exited');
    assert.equal(exited.exitCode, 7);
    assert.equal(exited.error, null);
    assert.deepEqual(exited.denials, []);
    assert.equal(typeof exited.durationMs, 'number');

    assert.equal(warden(['run', `--report=${file}`, g.trap!]).status, 134);
    const trapped = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(trapped.outcome, 'trapped');
    assert.equal(trapped.exitCode, null);
    assert.equal(trapped.error.kind, 'unreachable');
    assert.equal(trapped.error.frames[0].name, 'boom');

    writeFileSync(join(dir, 'bad.wasm'), '\0asm junk');
    assert.equal(warden(['run', '--report', file, join(dir, 'bad.wasm')]).status, 126);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).outcome, 'rejected');
  });

  test('denied capabilities are in the report', () => {
    const file = join(tempDir(), 'report.json');
    const r = warden(['run', '--clock', 'deny', '--report', file, g.clock!]);
    assert.equal(r.status, 100 + 76, 'ENOTCAPABLE = 76');
    const report = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(report.denials.length, 1);
    assert.equal(report.denials[0].capability, 'clock');
    assert.equal(report.denials[0].call, 'clock_time_get');
  });

  test('--trace prints one line per syscall to stderr', () => {
    const r = warden(['run', '--trace', '--env', 'NAME=T', hello]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Hello, T/);
    const lines = r.stderr.trimEnd().split('\n');
    assert.ok(lines.length >= 4, r.stderr);
    for (const l of lines) assert.match(l, /^[a-z_]+\(.*\) (= (0|E[A-Z]+)|-> .+)$/);
    assert.ok(lines.some((l) => /^fd_write\(1, \d+, \d+, \d+\) = 0$/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /^args_get\(\d+, \d+\) = 0$/.test(l)), r.stderr);
  });

  test('trace lines and the guest\'s own stderr appear in the order they happened', () => {
    const r = warden(['run', '--trace', g.stderr!]);
    assert.equal(r.status, 0);
    assert.equal(r.stderr, 'A\nfd_write(2, 16, 1, 32) = 0\nB\nfd_write(2, 24, 1, 32) = 0\n');
  });

  test('--trace-file writes the trace to a file and decodes path arguments', () => {
    const dir = tempDir();
    const file = join(dir, 'trace.txt');
    const r = warden(['run', '--trace-file', file, '--dir', `${dir}::/w`, g.writer!]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    assert.match(lines[0]!, /^path_open\(3, 0, "out\.txt", 1, 64n, 0n, 0, 48\) = 0$/);
    assert.match(lines[1]!, /^fd_write\(\d+, 32, 1, 56\) = 0$/);
    assert.match(lines[2]!, /^proc_exit\(0\) -> /);
  });

  test('--clock frozen:DATE and virtual give the guest fixed times', () => {
    assert.equal(warden(['run', '--clock', 'frozen:1970-01-01T00:01:40Z', g.clock!]).status, 100);
    assert.equal(warden(['run', '--clock', 'virtual', g.clock!]).status, 0);
    assert.equal(warden(['run', '--clock', 'virtual:1970-01-01T00:00:42Z', g.clock!]).status, 42);
    const before = Math.floor(Date.now() / 1000);
    const real = warden(['run', g.clock!]).status;
    const after = Math.floor(Date.now() / 1000);
    assert.ok([before % 256, after % 256].includes(real!), `real clock gave ${real}`);
  });

  test('--random seed:N is reproducible, crypto is the default, deny refuses', () => {
    const a = warden(['run', '--random', 'seed:42', g.random!]);
    const b = warden(['run', '--random', 'seed:42', g.random!]);
    const c = warden(['run', '--random', 'seed:43', g.random!]);
    assert.equal(a.status, 0);
    assert.equal(a.stdout, b.stdout);
    assert.notEqual(a.stdout, c.stdout);
    const d1 = warden(['run', g.random!]);
    const d2 = warden(['run', g.random!]);
    assert.equal(d1.status, 0);
    assert.notEqual(d1.stdout, d2.stdout);
    assert.equal(warden(['run', '--random', 'deny', g.random!]).status, 100 + 76);
  });
});

describe('warden run --isolation', () => {
  for (const isolation of ['worker', 'process']) {
    test(`${isolation}: same output, mounts, exit statuses and deadline as inline`, () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'f.txt'), 'f');
      const args = ['--dir-ro', `${dir}::/d`, '--env', 'NAME=Iso', hello, '/d'];
      const inline = warden(['run', ...args]);
      const isolated = warden(['run', '--isolation', isolation, ...args]);
      assert.equal(isolated.status, 0, isolated.stderr);
      assert.equal(isolated.stdout, inline.stdout);
      assert.equal(warden(['run', '--isolation', isolation, g.exit300!]).status, 255);
      assert.equal(warden(['run', '--isolation', isolation, g.trap!]).status, 134);
      assert.equal(warden(['run', '--isolation', isolation, '--timeout-ms', '200', g.spin!]).status, 124);
      assert.equal(warden(['run', '--isolation', isolation, g.cat!], { input: 'piped' }).stdout, 'piped');
    });
  }
});

describe('warden run --policy', () => {
  test('a policy grants env, mounts and limits; flags override it', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'from-host.txt'), 'x');
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({
      env: { NAME: 'Policy' },
      mounts: { '/data': { host: 'data', readOnly: true }, '/mem': { memory: { 'seeded.txt': 'hi', sub: {} } } },
      clock: { frozen: '1970-01-01T00:00:09Z' },
    }));
    const r = warden(['run', '--policy', policy, hello, '/data']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Hello, Policy/);
    assert.match(r.stdout, /from-host\.txt/);
    const mem = warden(['run', '--policy', policy, '--env', 'NAME=Flag', hello, '/mem']);
    assert.match(mem.stdout, /Hello, Flag/);
    assert.match(mem.stdout, /\/mem:\n {2}seeded\.txt\n {2}sub\n$/);
    assert.equal(warden(['run', '--policy', policy, g.clock!]).status, 9);
    assert.equal(warden(['run', '--policy', policy, '--clock', 'frozen:1970-01-01T00:00:10Z', g.clock!]).status, 10);
  });

  test('policy overlay, file and quota mounts', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lower'));
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({
      mounts: { '/w': { overlay: { host: 'lower' } }, '/etc/app.json': { file: '{}' }, '/q': { memory: {}, quota: { bytes: 4 } } },
    }));
    assert.equal(warden(['run', '--policy', policy, g.writer!]).status, 0, 'the first mount (/w, an overlay) is writable');
    assert.equal(existsSync(join(dir, 'lower', 'out.txt')), false);
    assert.match(warden(['run', '--policy', policy, hello, '/etc']).stdout, /\/etc:\n {2}app\.json\n$/);
    // "written\n" is 8 bytes: over the 4-byte quota of the memory mount.
    writeFileSync(policy, JSON.stringify({ mounts: { '/q': { memory: {}, quota: { bytes: 4 } } } }));
    const quota = warden(['run', '--policy', policy, g.writer!]);
    assert.ok(quota.status === 51 || quota.status === 19, `EDQUOT (19) or ENOSPC (51) expected, got ${quota.status}`);
  });

  test('policy limits apply', () => {
    const policy = join(tempDir(), 'p.json');
    writeFileSync(policy, JSON.stringify({ limits: { timeoutMs: 100 } }));
    assert.equal(warden(['run', '--policy', policy, g.spin!]).status, 124);
  });

  test('an invalid policy is one line naming the problem', () => {
    const dir = tempDir();
    const cases: [unknown, RegExp][] = [
      [{ enviroment: {} }, /policy\.enviroment is not a known setting/],
      [{ env: { A: 1 } }, /policy\.env\["A"\] must be a string/],
      [{ limits: { timeoutMs: -1 } }, /policy\.limits\.timeoutMs must be a non-negative number/],
      [{ mounts: { '/a/../b': { host: '.' } } }, /policy\.mounts\["\/a\/\.\.\/b"\].*must not contain/],
      [{ mounts: { '/d': { host: '.', memory: {} } } }, /exactly one of host, memory, overlay, file/],
      [{ mounts: { '/d': { host: 'missing-dir' } } }, /policy\.mounts\["\/d"\]\.host cannot be mounted/],
      [{ clock: 'sometimes' }, /policy\.clock must be/],
    ];
    for (const [json, pattern] of cases) {
      const file = join(dir, 'p.json');
      writeFileSync(file, JSON.stringify(json));
      const r = warden(['run', '--policy', file, hello]);
      assert.equal(r.status, 2, JSON.stringify(json));
      assertOneLine(r, pattern);
    }
    writeFileSync(join(dir, 'broken.json'), '{ nope');
    assertOneLine(warden(['run', '--policy', join(dir, 'broken.json'), hello]), /not valid JSON/);
  });
});

describe('warden help and version', () => {
  test('--help and run --help', () => {
    const main = warden(['--help']);
    assert.equal(main.status, 0);
    assert.match(main.stdout, /Usage: warden <command>/);
    const run = warden(['run', '--help']);
    assert.equal(run.status, 0);
    assert.equal(warden(['help', 'run']).stdout, run.stdout);
    for (const flag of RUN_FLAGS) assert.match(run.stdout, new RegExp(`^ {2}(-h, )?${flag}[ =]`, 'm'), `${flag} is documented`);
    for (const code of ['134', '124', '137', '126', '70']) assert.match(run.stdout, new RegExp(`^ {2}${code} `, 'm'));
  });

  test('the launcher without a build is a one-line failure (70)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'bin'));
    copyFileSync(bin, join(dir, 'bin', 'warden.js'));
    const r = spawnSync(process.execPath, [join(dir, 'bin', 'warden.js'), '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 70);
    assertOneLine({ status: r.status, stdout: r.stdout, stderr: r.stderr }, /not built yet/);
  });

  test('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const r = warden(['--version']);
    assert.equal(r.status, 0);
    // The second line says which optional native addons this install has (the child's env is
    // clean, so WARDEN_NATIVE is unset there unless passed).
    const built = (f: string): boolean => process.platform === 'linux' && existsSync(join(root, 'native', ...f.split('/')));
    const kind = (b: boolean): string => (b ? 'native' : 'fallback');
    const line = (fs: boolean, deadline: boolean): string => `hostDir syscalls: ${kind(fs)} (openat shim | /proc paths); `
      + `inline deadline: ${kind(deadline)} (timer thread | vm watchdog)\n`;
    assert.equal(r.stdout, `warden ${pkg.version}\n`
      + line(built('build/Release/warden_fs.node'), built('deadline/build/Release/warden_deadline.node')));
    assert.equal(warden(['--version'], { env: { WARDEN_NATIVE: '0' } }).stdout, `warden ${pkg.version}\n${line(false, false)}`);
  });
});
