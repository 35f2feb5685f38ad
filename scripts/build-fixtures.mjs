#!/usr/bin/env node
// Rebuilds the test guests: every fixtures/<dir>/*.c (Debian clang, wasm32-wasi) and every
// fixtures/<dir>/*.wat (npm `wabt`) into fixtures/wasm/. fixtures/c and fixtures/wat build into
// fixtures/wasm/ itself; any other folder <dir> builds into fixtures/wasm/<dir>/.
// The built .wasm files are committed, so machines without clang (CI) skip the C step.
//
//   npm run fixtures                 rebuild everything
//   npm run fixtures -- hello trap_  rebuild only guests whose <dir>/<name> contains an argument
//
// A C source may carry extra compiler flags on a line `// cflags: ...` near its top.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'fixtures');
const outRoot = join(fixtures, 'wasm');
const only = process.argv.slice(2);

// Post-MVP features the WAT guests may use (exceptions: the catch_all guest).
const WAT_FEATURES = {
  exceptions: true, mutable_globals: true, sat_float_to_int: true, sign_extension: true,
  multi_value: true, bulk_memory: true, reference_types: true, tail_call: true,
};

function hasClang() {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return existsSync('/usr/include/wasm32-wasi') || existsSync('/usr/lib/wasm32-wasi');
  } catch {
    return false;
  }
}

function sources() {
  const list = [];
  for (const dir of readdirSync(fixtures)) {
    const full = join(fixtures, dir);
    if (dir === 'wasm' || !statSync(full).isDirectory()) continue;
    const outDir = dir === 'c' || dir === 'wat' ? outRoot : join(outRoot, dir);
    for (const file of readdirSync(full).sort()) {
      const m = /^(.*)\.(c|wat)$/.exec(file);
      if (!m) continue;
      if (only.length > 0 && !only.some((o) => `${dir}/${m[1]}`.includes(o))) continue;
      list.push({ src: join(full, file), kind: m[2], out: join(outDir, m[1] + '.wasm') });
    }
  }
  return list;
}

function cflags(src) {
  const m = /^\/\/ cflags:(.*)$/m.exec(readFileSync(src, 'utf8').slice(0, 2000));
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
}

const list = sources();
const seen = new Map();
for (const s of list) {
  const prev = seen.get(s.out);
  if (prev) throw new Error(`${relative(root, prev)} and ${relative(root, s.src)} both build ${relative(root, s.out)}`);
  seen.set(s.out, s.src);
}

const clang = hasClang();
const wabt = await wabtInit();
let built = 0, skipped = 0, failed = 0;
for (const s of list) {
  mkdirSync(dirname(s.out), { recursive: true });
  const label = `${relative(root, s.src)} -> ${relative(root, s.out)}`;
  try {
    if (s.kind === 'c') {
      if (!clang) {
        skipped++;
        console.log(`skip  ${label} (clang with wasm32-wasi sysroot not found; committed .wasm kept)`);
        continue;
      }
      execFileSync('clang', [
        '--target=wasm32-wasi', '--sysroot=/usr', '-O2', '-Wl,--strip-debug', '-Wall', '-Werror=implicit-function-declaration',
        '-I', join(fixtures, 'c'), ...cflags(s.src), s.src, '-o', s.out,
      ], { stdio: ['ignore', 'inherit', 'inherit'] });
    } else {
      const mod = wabt.parseWat(basename(s.src), readFileSync(s.src, 'utf8'), WAT_FEATURES);
      try {
        mod.resolveNames();
        mod.validate();
        writeFileSync(s.out, mod.toBinary({ log: false, write_debug_names: true }).buffer);
      } finally {
        mod.destroy();
      }
    }
    built++;
    console.log(`built ${label}`);
  } catch (e) {
    failed++;
    console.error(`FAIL  ${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
console.log(`${built} built, ${skipped} skipped, ${failed} failed`);
if (failed > 0) process.exitCode = 1;
