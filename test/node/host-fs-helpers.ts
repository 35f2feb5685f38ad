// Shared helpers for the host-directory filesystem tests.

import assert from 'node:assert/strict';
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWasiErrno } from '../../src/kernel/errors.js';
import type { OpenOptions } from '../../src/fs/types.js';

export function tempDir(prefix = 'warden-hostfs-'): string {
  return nfs.mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  nfs.rmSync(dir, { recursive: true, force: true });
}

export function opts(o: Partial<OpenOptions> = {}): OpenOptions {
  return { read: false, write: false, create: false, exclusive: false, truncate: false, directory: false, ...o };
}

export const READ = opts({ read: true });
export const RDWR = opts({ read: true, write: true });

export function throwsErrno(fn: () => unknown, errno: number, message?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isWasiErrno(e), `expected a WasiErrno, got ${String(e)}`);
    assert.equal(e.errno, errno, message ?? `expected errno ${errno}, got ${e.name}`);
    return true;
  });
}

export function openFds(): number {
  return nfs.readdirSync('/proc/self/fd').length;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A mount `<base>/mount` next to `<base>/outside/secret.txt` that nothing may reach. */
export function secretWorld(dirs: string[]): { base: string; mount: string; outside: string } {
  const base = tempDir();
  dirs.push(base);
  const mount = `${base}/mount`;
  const outside = `${base}/outside`;
  nfs.mkdirSync(mount);
  nfs.mkdirSync(outside);
  nfs.writeFileSync(`${outside}/secret.txt`, 'TOP SECRET');
  return { base, mount, outside };
}
