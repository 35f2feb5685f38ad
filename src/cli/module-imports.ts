// Does a module import fd_read? The engines read a stdin grant to its end before the guest
// starts, so `warden run` given a pipe that nobody closes would wait forever. A module without
// fd_read can never read stdin, so the CLI skips reading it (wasmtime reads only on demand).

const FD_READ = [7, ...new TextEncoder().encode('fd_read')]; // a length-prefixed import name

function leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < bytes.length && i < at + 5; i++) {
    value += (bytes[i]! & 0x7f) * 2 ** shift;
    if ((bytes[i]! & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  return [-1, bytes.length];
}

/**
 * True if the import section names fd_read (a byte search inside it: a false positive only
 * means stdin is read). False for bytes that are not a wasm module (it will be rejected).
 */
export function importsFdRead(bytes: Uint8Array): boolean {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) return false;
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const [size, start] = leb(bytes, at + 1);
    if (size < 0 || start + size > bytes.length) return false;
    if (id === 2) return contains(bytes, start, start + size, FD_READ);
    at = start + size;
  }
  return false;
}

function contains(bytes: Uint8Array, from: number, to: number, needle: number[]): boolean {
  outer: for (let i = from; i + needle.length <= to; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
