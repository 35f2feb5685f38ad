// Random sources a guest can be granted: the platform CSPRNG, a seeded reproducible stream,
// or nothing.

export type RandomOption = 'crypto' | 'deny' | { seed: number };

export interface RandomSource {
  readonly kind: 'crypto' | 'seeded' | 'deny';
  fill(buf: Uint8Array): void;
}

/** Requests up to this size are served from a pool refilled by one CSPRNG call. */
const POOLED_MAX = 256;
const POOL_SIZE = 8192;

class CryptoRandom implements RandomSource {
  readonly kind = 'crypto' as const;
  // A getRandomValues call costs ~3 us whatever its size, so small requests (the common 16-byte
  // seeds) are cut from a pool of CSPRNG bytes; each byte is handed out once and then zeroed.
  private pool: Uint8Array | null = null;
  private used = POOL_SIZE;
  fill(buf: Uint8Array): void {
    const n = buf.length;
    if (n <= POOLED_MAX) {
      if (this.used + n > POOL_SIZE) this.refill();
      const pool = this.pool!;
      const from = this.used;
      for (let i = 0; i < n; i++) { buf[i] = pool[from + i]!; pool[from + i] = 0; }
      this.used = from + n;
      return;
    }
    // getRandomValues takes at most 65536 bytes per call.
    for (let i = 0; i < n; i += 65536) {
      globalThis.crypto.getRandomValues(buf.subarray(i, Math.min(n, i + 65536)));
    }
  }
  private refill(): void {
    if (this.pool === null) this.pool = new Uint8Array(POOL_SIZE);
    globalThis.crypto.getRandomValues(this.pool);
    this.used = 0;
  }
}

/**
 * xoshiro128** seeded through splitmix32: fast, well distributed, and the same stream for the
 * same seed on every platform. Not cryptographic, by design (reproducible runs).
 */
export class SeededRandom implements RandomSource {
  readonly kind = 'seeded' as const;
  private s0: number; private s1: number; private s2: number; private s3: number;
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
  }
  private nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0; this.s3 ^= this.s1; this.s1 ^= this.s2; this.s0 ^= this.s3;
    this.s2 ^= t; this.s3 = rotl(this.s3, 11);
    return r;
  }
  fill(buf: Uint8Array): void {
    let i = 0;
    for (; i + 4 <= buf.length; i += 4) {
      const r = this.nextU32();
      buf[i] = r; buf[i + 1] = r >>> 8; buf[i + 2] = r >>> 16; buf[i + 3] = r >>> 24;
    }
    if (i < buf.length) {
      let r = this.nextU32();
      for (; i < buf.length; i++) { buf[i] = r; r >>>= 8; }
    }
  }
}

function rotl(x: number, k: number): number { return (x << k) | (x >>> (32 - k)); }

class DeniedRandom implements RandomSource {
  readonly kind = 'deny' as const;
  fill(): void { /* the ABI layer refuses before calling */ }
}

export function createRandom(option: RandomOption | undefined): RandomSource {
  if (option === undefined || option === 'deny') return new DeniedRandom();
  if (option === 'crypto') return new CryptoRandom();
  if (typeof option === 'object' && option !== null && 'seed' in option) {
    if (!Number.isInteger(option.seed)) throw new TypeError('random.seed must be an integer');
    return new SeededRandom(option.seed);
  }
  throw new TypeError(`random: expected 'crypto', 'deny' or { seed: number }, got ${JSON.stringify(option)}`);
}
