// Loads the optional native deadline timer (native/deadline/warden_deadline.cc, built by
// `npm install` through scripts/build-native.mjs). Main thread only (see the C++ file): in a
// worker, and when the addon is missing or WARDEN_NATIVE=0 is set, inline.ts uses the vm
// watchdog. See RATIONALE.md, "Why a native deadline timer beside the vm watchdog?".

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

export interface NativeDeadline {
  /**
   * Call fn(); if it still runs `ms` milliseconds later, terminate it and throw an Error with
   * code WARDEN_DEADLINE. fn's own exceptions pass through.
   */
  invoke(fn: () => void, ms: number): unknown;
}

/** dist/src/node/ -> the package root. */
const ADDON = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native', 'deadline', 'build', 'Release', 'warden_deadline.node');

/** The error code of a native deadline. */
export const NATIVE_DEADLINE_CODE = 'WARDEN_DEADLINE';

let loaded: NativeDeadline | null | undefined;

/** The timer, or null (not built, not Linux, a worker thread, or disabled). */
export function nativeDeadline(): NativeDeadline | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

function load(): NativeDeadline | null {
  if (!isMainThread || process.platform !== 'linux' || process.env['WARDEN_NATIVE'] === '0' || !existsSync(ADDON)) return null;
  try {
    const m = createRequire(import.meta.url)(ADDON) as Partial<NativeDeadline>;
    return typeof m.invoke === 'function' ? (m as NativeDeadline) : null;
  } catch {
    return null; // built for another Node version (this addon uses V8's C++ API): use vm
  }
}
