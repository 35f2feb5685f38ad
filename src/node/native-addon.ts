// Loads one of Warden's optional native addons (native/, built by `npm install` through
// scripts/build-native.mjs). Each has a pure-TypeScript fallback, so "absent" is an answer, not
// an error: not Linux, WARDEN_NATIVE=0, not built, or built for another Node all give null.

import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/src/node/ -> the package root. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The addon at `native/<path>` if it loads and `usable` accepts it, else null. */
export function loadAddon<T>(path: string, usable: (m: Partial<T>) => boolean): T | null {
  const file = join(ROOT, 'native', ...path.split('/'));
  if (process.platform !== 'linux' || process.env['WARDEN_NATIVE'] === '0' || !existsSync(file)) return null;
  try {
    const m = createRequire(import.meta.url)(file) as Partial<T>;
    return usable(m) ? (m as T) : null;
  } catch {
    return null;
  }
}
