// Parses the canonical 44-byte RIFF/WAVE header that flite writes (PCM, one fmt and one data
// chunk), checking every length field against the actual file size.

export interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  dataBytes: number;
  samples: number;
}

function tag(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

export function parseWav(bytes: Uint8Array): WavInfo {
  if (bytes.length < 44) throw new Error(`WAV too short: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const expectTag = (at: number, want: string): void => {
    const got = tag(bytes, at);
    if (got !== want) throw new Error(`expected "${want}" at ${at}, found "${got}"`);
  };
  expectTag(0, 'RIFF');
  if (view.getUint32(4, true) !== bytes.length - 8) throw new Error('RIFF size does not match file size');
  expectTag(8, 'WAVE');
  expectTag(12, 'fmt ');
  if (view.getUint32(16, true) !== 16) throw new Error('fmt chunk is not 16 bytes');
  expectTag(36, 'data');
  const dataBytes = view.getUint32(40, true);
  if (dataBytes !== bytes.length - 44) throw new Error('data size does not match file size');
  const blockAlign = view.getUint16(32, true);
  return {
    format: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    byteRate: view.getUint32(28, true),
    blockAlign,
    bitsPerSample: view.getUint16(34, true),
    dataBytes,
    samples: dataBytes / blockAlign,
  };
}

/** Largest absolute 16-bit sample value: proves the audio is not silence. */
export function peak16(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let max = 0;
  for (let at = 44; at + 1 < bytes.length; at += 2) max = Math.max(max, Math.abs(view.getInt16(at, true)));
  return max;
}
