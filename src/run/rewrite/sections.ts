// Splitting a module into its sections and putting it back together with some replaced.
import { Reader, Writer, concat } from './bytes.js';
import { RewriteError } from './errors.js';

export const SEC = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7,
  start: 8, element: 9, code: 10, data: 11, dataCount: 12, tag: 13,
} as const;

// The required order of non-custom sections (tag sits between memory and global).
const ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

export interface Section {
  id: number;
  /** The payload (without id and size). */
  payload: Uint8Array;
  /** The whole original section (id, size, payload), kept so untouched sections are copied byte for byte. */
  raw?: Uint8Array;
}

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export function parseSections(input: Uint8Array): Section[] {
  // A plain view: subarrays of a Node Buffer are Buffers, and much slower to create.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 8 || HEADER.some((b, i) => bytes[i] !== b)) {
    throw new RewriteError('not a WebAssembly core module (bad magic number or version)');
  }
  const r = new Reader(bytes, 8);
  const out: Section[] = [];
  while (!r.done) {
    const start = r.pos;
    const id = r.byte();
    const size = r.u();
    const offset = r.pos;
    r.skip(size);
    out.push({ id, payload: bytes.subarray(offset, offset + size), raw: bytes.subarray(start, offset + size) });
  }
  return out;
}

export function buildModule(sections: readonly Section[]): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array(HEADER)];
  for (const s of sections) {
    if (s.raw !== undefined) parts.push(s.raw);
    else parts.push(new Writer().byte(s.id).u(s.payload.length).finish(), s.payload);
  }
  return concat(parts);
}

export function findSection(sections: readonly Section[], id: number): Section | undefined {
  return sections.find((s) => s.id === id);
}

/** Replace the section with this id, or insert it where the binary format requires it. */
export function putSection(sections: Section[], id: number, payload: Uint8Array): void {
  const at = sections.findIndex((s) => s.id === id);
  if (at >= 0) {
    sections[at] = { id, payload };
    return;
  }
  const rank = ORDER.indexOf(id);
  let insert = sections.length;
  for (let i = 0; i < sections.length; i++) {
    const r = ORDER.indexOf(sections[i]!.id);
    if (r > rank) { insert = i; break; }
  }
  sections.splice(insert, 0, { id, payload });
}

/** Number of entries of a vector-shaped section (0 when absent). */
export function vectorCount(s: Section | undefined): number {
  return s === undefined ? 0 : new Reader(s.payload).u();
}
