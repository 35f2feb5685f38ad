// The core (ABI, kernel, filesystems, clocks, engine-neutral run pieces) must not import
// Node-only modules, so it can run in a browser later. Node-specific code lives in src/node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const CORE = ['abi', 'kernel', 'fs', 'time', 'run'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('core folders import nothing from Node or from src/node', () => {
  const offenders: string[] = [];
  for (const folder of CORE) {
    for (const file of tsFiles(join(SRC, folder))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('node:') || /^(fs|path|os|child_process|worker_threads|vm|crypto|tty)$/.test(spec) || spec.includes('/node/')) {
          offenders.push(`${file.slice(SRC.length)} imports ${spec}`);
        }
      }
      if (/\bBuffer\.(from|alloc|concat)\b|\bprocess\.\w/.test(text.replace(/\/\/.*$/gm, ''))) offenders.push(`${file.slice(SRC.length)} uses Buffer or process`);
    }
  }
  assert.deepEqual(offenders, []);
});
