// fd_read/fd_pread with one iovec take a fast path (FileHandle.pread1, straight into the memory
// view) on memoryFs and hostDir. Each scenario runs on both through the fast path and through
// the general iovec-list path: results
// (errno, count, bytes, position) must be identical, and match what POSIX read(2) would give.
// The general path is the same filesystem with pread1 hidden from every handle it opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDir, memoryFs } from '../../src/index.js';
import { preview1Imports, type WasiImports } from '../../src/abi/preview1.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { kernelConfig } from '../../src/node/run.js';
import type { FileSystem } from '../../src/fs/types.js';

const PAGE = 65536;
const FAULT = 21;
const BADF = 8;
const INVAL = 28;
const FD_READ = 1 << 1;
const FD_SEEK = 1 << 2;
const FD_TELL = 1 << 5;

/** 3000 bytes, none zero, so a byte that was not written stays visibly 0. */
const DATA = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 251 + 1);

interface Guest {
  w: WasiImports;
  memory: WebAssembly.Memory;
  u8(): Uint8Array;
  setIov(at: number, ptr: number, len: number): void;
  u32(at: number): number;
  tell(fd: number): number;
  open(name: string, rights: number): number;
  dispose(): void;
}

function guest(fs: FileSystem, pages = 1, maximum?: number): Guest {
  const k = new Kernel(kernelConfig({ mounts: { '/d': fs } }, null, Infinity, () => {}));
  const memory = new WebAssembly.Memory(maximum === undefined ? { initial: pages } : { initial: pages, maximum });
  k.mem.bind(memory);
  const w = preview1Imports(k);
  const dv = () => new DataView(memory.buffer);
  const g: Guest = {
    w, memory,
    u8: () => new Uint8Array(memory.buffer),
    setIov(at, ptr, len) { dv().setUint32(at, ptr, true); dv().setUint32(at + 4, len, true); },
    u32: (at) => dv().getUint32(at, true),
    tell(fd) {
      assert.equal(w.fd_tell!(fd, 0), 0);
      return Number(dv().getBigUint64(0, true));
    },
    open(name, rights) {
      const bytes = new TextEncoder().encode(name);
      new Uint8Array(memory.buffer).set(bytes, 0);
      assert.equal(w.path_open!(3, 0, 0, bytes.length, 0, BigInt(rights), 0n, 0, 64), 0, `open ${name}`);
      const fd = dv().getUint32(64, true);
      new Uint8Array(memory.buffer).fill(0, 0, 128);
      return fd;
    },
    dispose: () => k.dispose(),
  };
  return g;
}

/** Calls go to the target itself (methods bound), handles it opens are wrapped the same way. */
function stripped<T extends object>(target: T): T {
  return new Proxy(target, {
    get(t, p) {
      if (p === 'pread1') return undefined;
      const v: unknown = Reflect.get(t, p, t);
      if (typeof v !== 'function') return v;
      const wrap = p === 'openRoot' || p === 'open' || p === 'openDir' || p === 'reopen';
      return (...args: unknown[]) => {
        const r: unknown = v.apply(t, args);
        return wrap ? stripped(r as object) : r;
      };
    },
  });
}

/** `fs` with no pread1 on any file it opens: every read takes the general path. */
const withoutFastPath = (fs: FileSystem): FileSystem => stripped(fs);

interface Kind {
  name: string;
  /** [fast path, general path] filesystems holding DATA as "f" and an empty "e". */
  make(): { fast: FileSystem; general: FileSystem; cleanup(): void };
}

const kinds: Kind[] = [
  {
    name: 'memoryFs',
    make: () => ({ fast: memoryFs({ f: DATA, e: '' }), general: withoutFastPath(memoryFs({ f: DATA, e: '' })), cleanup() {} }),
  },
  {
    name: 'hostDir',
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'warden-read1-'));
      writeFileSync(join(dir, 'f'), DATA);
      writeFileSync(join(dir, 'e'), '');
      return { fast: hostDir(dir), general: withoutFastPath(hostDir(dir)), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
];

/** What a scenario observed: every return value and the final memory and position. */
type Observed = unknown[];

/**
 * Run `scenario` on the fast and the general filesystem of every kind; both must observe the
 * same, and `check` asserts what that is.
 */
async function each(t: { test: (name: string, fn: () => void) => Promise<void> }, pages: number,
  scenario: (g: Guest, fd: number) => Observed, check: (o: Observed) => void, maximum?: number) {
  for (const kind of kinds) {
    await t.test(kind.name, () => {
      const { fast, general, cleanup } = kind.make();
      try {
        const seen = [fast, general].map((fs) => {
          const g = guest(fs, pages, maximum);
          try {
            return scenario(g, g.open('f', FD_READ | FD_SEEK | FD_TELL));
          } finally {
            g.dispose();
          }
        });
        assert.deepEqual(seen[0], seen[1], 'fast path and general path differ');
        check(seen[0]!);
      } finally {
        cleanup();
      }
    });
  }
}

const BUF = 1024;
const IOV = 200;
const NREAD = 208;

test('one iovec reads in order and advances the position; EOF reads 0', async (t) => {
  await each(t, 1, (g, fd) => {
    const out: Observed = [];
    g.setIov(IOV, BUF, 1000);
    for (let i = 0; i < 4; i++) {
      out.push(g.w.fd_read!(fd, IOV, 1, NREAD), g.u32(NREAD), g.tell(fd), g.u8().slice(BUF, BUF + 1001));
    }
    return out;
  }, (o) => {
    assert.deepEqual(o.filter((_, i) => i % 4 === 0), [0, 0, 0, 0]);
    assert.deepEqual(o.filter((_, i) => i % 4 === 1), [1000, 1000, 1000, 0]);
    assert.deepEqual(o.filter((_, i) => i % 4 === 2), [1000, 2000, 3000, 3000]);
    const third = o[11] as Uint8Array;
    assert.deepEqual(third.subarray(0, 1000), DATA.subarray(2000, 3000));
    assert.equal(third[1000], 0, 'nothing written past the iovec');
  });
});

test('a short read fills only what the file holds', async (t) => {
  await each(t, 1, (g, fd) => {
    g.setIov(IOV, BUF, 5000);
    return [g.w.fd_read!(fd, IOV, 1, NREAD), g.u32(NREAD), g.tell(fd), g.u8().slice(BUF, BUF + 5000)];
  }, ([errno, n, pos, bytes]) => {
    assert.deepEqual([errno, n, pos], [0, 3000, 3000]);
    assert.deepEqual((bytes as Uint8Array).subarray(0, 3000), DATA);
    assert.ok((bytes as Uint8Array).subarray(3000).every((b) => b === 0));
  });
});

test('a buffer ending exactly at the end of memory is read; one byte further is EFAULT', async (t) => {
  await each(t, 1, (g, fd) => {
    g.setIov(IOV, PAGE - 100, 100);
    const ok = [g.w.fd_read!(fd, IOV, 1, NREAD), g.u32(NREAD), g.u8().slice(PAGE - 100)];
    g.u8().fill(0, NREAD, NREAD + 4);
    g.setIov(IOV, PAGE - 99, 100);
    const bad = [g.w.fd_read!(fd, IOV, 1, NREAD), g.u32(NREAD), g.tell(fd), g.u8().slice(PAGE - 99)];
    return [...ok, ...bad];
  }, ([e1, n1, b1, e2, n2, pos, b2]) => {
    assert.deepEqual([e1, n1], [0, 100]);
    assert.deepEqual(b1, DATA.slice(0, 100));
    assert.deepEqual([e2, n2, pos], [FAULT, 0, 100], 'EFAULT moves nothing and keeps the position');
    assert.deepEqual(b2, DATA.slice(1, 100), 'the bytes of the first read are untouched');
  });
});

test('bad pointers are EFAULT before any byte moves', async (t) => {
  const cases: [string, (g: Guest) => [number, number]][] = [
    ['iovec struct past the end', (g) => { g.setIov(IOV, BUF, 10); return [PAGE - 7, NREAD]; }],
    ['iovec struct at 0xfffffffc', (g) => { g.setIov(IOV, BUF, 10); return [-4, NREAD]; }],
    ['buffer length 0xffffffff', (g) => { g.setIov(IOV, 0, 0xffffffff); return [IOV, NREAD]; }],
    ['buffer wrapping past 4 GiB', (g) => { g.setIov(IOV, 0xffffff00, 0x200); return [IOV, NREAD]; }],
    ['nread pointer past the end', (g) => { g.setIov(IOV, BUF, 10); return [IOV, PAGE - 3]; }],
  ];
  for (const [name, prep] of cases) {
    await t.test(name, async (t) => {
      await each(t, 1, (g, fd) => {
        const [iovs, nread] = prep(g);
        const before = g.u8().slice();
        const errno = g.w.fd_read!(fd, iovs, 1, nread);
        const perrno = g.w.fd_pread!(fd, iovs, 1, 0n, nread);
        return [errno, perrno, g.tell(fd), Buffer.compare(before.subarray(64), g.u8().subarray(64))];
      }, (o) => assert.deepEqual(o, [FAULT, FAULT, 0, 0]));
    });
  }
});

test('a zero-length iovec reads nothing (also at the very end of memory)', async (t) => {
  await each(t, 1, (g, fd) => {
    g.setIov(IOV, PAGE, 0);
    g.u8().fill(0xee, NREAD, NREAD + 4);
    const r = [g.w.fd_read!(fd, IOV, 1, NREAD), g.u32(NREAD), g.tell(fd)];
    g.u8().fill(0xee, NREAD, NREAD + 4);
    return [...r, g.w.fd_pread!(fd, IOV, 1, 5n, NREAD), g.u32(NREAD)];
  }, (o) => assert.deepEqual(o, [0, 0, 0, 0, 0]));
});

test('fd_pread with one iovec reads at the offset and keeps the position', async (t) => {
  await each(t, 1, (g, fd) => {
    g.setIov(IOV, BUF, 100);
    const out: Observed = [g.w.fd_pread!(fd, IOV, 1, 2950n, NREAD), g.u32(NREAD), g.tell(fd), g.u8().slice(BUF, BUF + 100)];
    out.push(g.w.fd_pread!(fd, IOV, 1, 3000n, NREAD), g.u32(NREAD));
    out.push(g.w.fd_pread!(fd, IOV, 1, 1n << 40n, NREAD), g.u32(NREAD));
    out.push(g.w.fd_pread!(fd, IOV, 1, -1n, NREAD));
    out.push(g.w.fd_pread!(fd, IOV, 1, 1n << 53n, NREAD));
    return out;
  }, ([e, n, pos, bytes, ...rest]) => {
    assert.deepEqual([e, n, pos], [0, 50, 0]);
    assert.deepEqual((bytes as Uint8Array).subarray(0, 50), DATA.subarray(2950));
    assert.ok((bytes as Uint8Array).subarray(50).every((b) => b === 0));
    assert.deepEqual(rest, [0, 0, 0, 0, INVAL, INVAL]);
  });
});

test('reads land in memory grown since the last call, above the old end', async (t) => {
  await each(t, 1, (g, fd) => {
    g.setIov(IOV, BUF, 10);
    const out: Observed = [g.w.fd_read!(fd, IOV, 1, NREAD)];
    g.memory.grow(1); // detaches the buffer the kernel's views were made from
    g.setIov(IOV, PAGE + 500, 1000);
    out.push(g.w.fd_read!(fd, IOV, 1, PAGE + 4), g.u32(PAGE + 4), g.u8().slice(PAGE + 500, PAGE + 1500));
    g.memory.grow(1);
    g.setIov(IOV, 2 * PAGE + 10, 20);
    out.push(g.w.fd_pread!(fd, IOV, 1, 0n, 2 * PAGE), g.u32(2 * PAGE), g.u8().slice(2 * PAGE + 10, 2 * PAGE + 30));
    return out;
  }, ([e0, e1, n1, b1, e2, n2, b2]) => {
    assert.deepEqual([e0, e1, n1, e2, n2], [0, 0, 1000, 0, 20]);
    assert.deepEqual(b1, DATA.slice(10, 1010));
    assert.deepEqual(b2, DATA.slice(0, 20));
  });
});

test('a buffer of 2 GiB or more is a short read of what the file holds', async (t) => {
  // 32769 pages: a length above INT32_MAX fits in memory (reserved lazily, only 3000 bytes touched).
  await each(t, 32769, (g, fd) => {
    g.setIov(IOV, 4096, 0x80000000);
    const r = [g.w.fd_read!(fd, IOV, 1, NREAD), g.u32(NREAD)];
    g.setIov(IOV, 4096, 0x80001000);
    return [...r, g.w.fd_pread!(fd, IOV, 1, 10n, NREAD), g.u32(NREAD), g.u8().slice(4096, 4096 + 2990)];
  }, ([e1, n1, e2, n2, b]) => {
    assert.deepEqual([e1, n1, e2, n2], [0, 3000, 0, 2990]);
    assert.deepEqual(b, DATA.slice(10));
  });
});

test('rights and descriptor kinds are checked as before', async (t) => {
  for (const kind of kinds) {
    await t.test(kind.name, () => {
      const { fast, general, cleanup } = kind.make();
      try {
        const seen = [fast, general].map((fs) => {
          const g = guest(fs);
          try {
            g.setIov(IOV, BUF, 10);
            const noRead = g.open('e', FD_SEEK | FD_TELL);
            return [
              g.w.fd_read!(noRead, IOV, 1, NREAD), g.w.fd_pread!(noRead, IOV, 1, 0n, NREAD),
              g.w.fd_read!(3, IOV, 1, NREAD), g.w.fd_pread!(3, IOV, 1, 0n, NREAD),
              g.w.fd_read!(99, IOV, 1, NREAD), g.w.fd_pread!(99, IOV, 1, 0n, NREAD),
            ];
          } finally {
            g.dispose();
          }
        });
        assert.deepEqual(seen[0], seen[1]);
        assert.deepEqual(seen[0], [BADF, BADF, BADF, BADF, BADF, BADF]);
      } finally {
        cleanup();
      }
    });
  }
});

test('a read on a closed fd is EBADF', async (t) => {
  await each(t, 1, (g, fd) => {
    g.setIov(IOV, BUF, 10);
    assert.equal(g.w.fd_close!(fd), 0);
    return [g.w.fd_read!(fd, IOV, 1, NREAD), g.w.fd_pread!(fd, IOV, 1, 0n, NREAD)];
  }, (o) => assert.deepEqual(o, [BADF, BADF]));
});
