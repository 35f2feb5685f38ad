// Real program: CRuby 3.3 (@ruby/3.3-wasm-wasi@2.10.1, the ruby+stdlib reactor module) driven
// by its own JS glue (@ruby/wasm-wasi@2.10.1). The glue takes any object with `wasiImport`
// and `initialize(instance)`, which is what node:wasi offers; here it gets Warden's drop-in
// `WASI` class instead, with one import changed. The standard library lives inside the module
// (wasi-vfs); only the mounts below come from the host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RubyVM } from '@ruby/wasm-wasi';
import { WASI, memoryFs } from '../../src/index.js';
import { packageFile } from './helpers/packages.js';

const rubyModule = await WebAssembly.compile(
  readFileSync(packageFile('@ruby/3.3-wasm-wasi/dist/ruby+stdlib.wasm')),
);

// Reads lines, writes an upper-cased copy, makes a directory with a generated file, and
// reports what it sees, all through Ruby's own File/Dir APIs.
const SCRIPT = `
  lines = File.readlines("/data/input.txt", chomp: true)
  File.write("/data/output.txt", lines.map(&:upcase).join("\\n") + "\\n")
  Dir.mkdir("/data/squares")
  File.open("/data/squares/list.txt", "w") { |f| 4.times { |i| f.puts i * i } }
  File.open("/data/input.txt", "a") { |f| f.write("line three\\n") }
  File.rename("/data/output.txt", "/data/upper.txt")
  [RUBY_VERSION, lines.size, Dir.children("/data").sort.join(","),
   File.size("/data/upper.txt"), File.read("/data/squares/list.txt").split.map(&:to_i).sum].join(" ")
`;

test('ruby reads and writes files in a memory mount through the WASI drop-in', async () => {
  const data = memoryFs({ 'input.txt': 'line one\nline two\n' });
  const wasi = new WASI({ version: 'preview1', args: ['ruby.wasm'], env: {}, returnOnExit: true, mounts: { '/data': data } });
  const { vm } = await RubyVM.instantiateModule({ module: rubyModule, wasip1: wasi });
  const result = vm.eval(SCRIPT).toString();

  assert.equal(result, '3.3.3 2 input.txt,squares,upper.txt 18 14');
  assert.equal(data.readText('upper.txt'), 'LINE ONE\nLINE TWO\n');
  assert.equal(data.readText('squares/list.txt'), '0\n1\n4\n9\n');
  assert.equal(data.readText('input.txt'), 'line one\nline two\nline three\n');
  assert.equal(data.exists('output.txt'), false);
});

test('ruby works on a host directory granted with node:wasi-style preopens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-ruby-'));
  try {
    writeFileSync(join(dir, 'input.txt'), 'line one\nline two\n');
    const wasi = new WASI({ version: 'preview1', args: ['ruby.wasm'], env: {}, returnOnExit: true, preopens: { '/data': dir } });
    const { vm } = await RubyVM.instantiateModule({ module: rubyModule, wasip1: wasi });
    assert.equal(vm.eval(SCRIPT).toString(), '3.3.3 2 input.txt,squares,upper.txt 18 14');
    assert.deepEqual(readdirSync(dir).sort(), ['input.txt', 'squares', 'upper.txt']);
    assert.equal(readFileSync(join(dir, 'upper.txt'), 'utf8'), 'LINE ONE\nLINE TWO\n');
    assert.equal(readFileSync(join(dir, 'squares', 'list.txt'), 'utf8'), '0\n1\n4\n9\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ruby sees only its mounts and the environment it was given', async () => {
  const data = memoryFs({ 'input.txt': 'x\n' });
  const wasi = new WASI({ version: 'preview1', args: ['ruby.wasm'], env: { GREETING: 'hi' }, returnOnExit: true, mounts: { '/data': data } });
  const { vm } = await RubyVM.instantiateModule({ module: rubyModule, wasip1: wasi });
  const probe = (code: string): string => vm.eval(code).toString();

  assert.equal(probe('ENV.to_h.inspect'), '{"GREETING"=>"hi"}');
  assert.equal(probe('File.exist?("/etc/passwd").inspect'), 'false');
  // Escaping the mount with ".." is refused by the kernel with EPERM, as wasmtime/cap-std do
  // (node:wasi answers ENOTCAPABLE), never resolved on the host.
  assert.equal(
    probe('begin; File.read("/data/../../../etc/passwd"); "read"; rescue SystemCallError => e; e.class.name; end'),
    'Errno::EPERM',
  );
  // Symlinks cannot reach out either: an absolute target is refused when it is created, and a
  // relative one that climbs out of the mount is refused when it is followed.
  const rescue = (code: string): string =>
    probe(`begin; ${code}; "ok"; rescue SystemCallError => e; e.class.name; end`);
  assert.equal(rescue('File.symlink("/etc/passwd", "/data/abs")'), 'Errno::EPERM');
  assert.equal(rescue('File.symlink("../../../etc/passwd", "/data/rel")'), 'ok');
  assert.equal(probe('File.readlink("/data/rel")'), '../../../etc/passwd');
  assert.equal(rescue('File.read("/data/rel")'), 'Errno::EPERM');
  assert.deepEqual(data.toTree().rel, { symlink: '../../../etc/passwd' });
  assert.equal(data.exists('abs'), false);
  assert.equal(probe('require "json"; JSON.generate({ok: [1, 2]})'), '{"ok":[1,2]}');
  assert.equal(probe('require "digest"; Digest::SHA256.hexdigest("abc")'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test("ruby's stdout and stderr are captured, not written to the host's", async () => {
  const wasi = new WASI({ version: 'preview1', args: ['ruby.wasm'], env: {}, returnOnExit: true, stdout: 'capture', stderr: 'capture' });
  const { vm } = await RubyVM.instantiateModule({ module: rubyModule, wasip1: wasi });
  vm.eval('puts "hello from ruby"; print 6 * 7, "\\n"; $stdout.flush; warn "careful"; $stderr.flush');
  const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b ?? new Uint8Array());
  assert.equal(text(wasi.stdout), 'hello from ruby\n42\n');
  assert.equal(text(wasi.stderr), 'careful\n');
});

test('a host fd granted as stdout, node:wasi style, receives the output and stays usable by the host', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-ruby-fd-'));
  const fd = openSync(join(dir, 'out.txt'), 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['ruby.wasm'], env: {}, returnOnExit: true, stdout: fd, stderr: 'discard' });
    const { vm } = await RubyVM.instantiateModule({ module: rubyModule, wasip1: wasi });
    vm.eval('$stdout.puts "to the granted fd"; $stdout.flush');
    assert.ok(fstatSync(fd).isFile());
    writeSync(fd, 'host wrote after\n');
  } finally {
    closeSync(fd);
  }
  try {
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'to the granted fd\nhost wrote after\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
