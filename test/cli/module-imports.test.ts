// importsFdRead: decides whether `warden run` needs to read its own stdin at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importsFdRead } from '../../src/cli/module-imports.js';
import { wat } from '../helpers/wat.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/wasm');

test('importsFdRead finds fd_read in the import section only', async () => {
  assert.equal(importsFdRead(readFileSync(join(fixtures, 'hello.wasm'))), false);
  assert.equal(importsFdRead(readFileSync(join(fixtures, 'fd.wasm'))), true);
  const reads = await wat(`(module (import "wasi_snapshot_preview1" "fd_read" (func (param i32 i32 i32 i32) (result i32))))`);
  assert.equal(importsFdRead(reads), true);
  // The name elsewhere (an export, a data segment) does not count.
  const named = await wat(`(module (memory 1) (data (i32.const 0) "\\07fd_read") (func (export "fd_read")))`);
  assert.equal(importsFdRead(named), false);
  assert.equal(importsFdRead(new TextEncoder().encode('not wasm at all')), false);
  assert.equal(importsFdRead(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 0xff])), false, 'truncated section');
});
