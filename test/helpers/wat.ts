// Compile WAT text to wasm bytes with the npm `wabt` package (test helper).
import wabtInit from 'wabt';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

export async function wat(source: string, features: Record<string, boolean> = {}): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const mod = wabt.parseWat('guest.wat', source, { exceptions: true, ...features });
  try {
    mod.resolveNames();
    mod.validate();
    return mod.toBinary({ write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
}
