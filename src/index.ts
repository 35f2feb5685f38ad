// Warden's public API.
export { run } from './node/run.js';
export type { ModuleSource } from './node/module-source.js';
export type { RunOptions, Limits, StdinOption, OutputOption, Mountable } from './run/options.js';
export type { RunResult, Outcome } from './run/result.js';
export { exitStatusFor, resultToJSON } from './run/result.js';
export {
  GuestTrap, ModuleRejected, LimitExceeded, TimeoutError, AbortError, WardenUsageError,
  type TrapKind, type WasmFrame, type GuestError,
} from './run/errors.js';
export type { Denial } from './kernel/kernel.js';
export { VirtualClock, type ClockOption } from './time/clocks.js';
export type { RandomOption } from './time/random.js';
export * from './fs/index.js';
export { hostDir } from './node/host-fs.js';
export { WASI, type WASIOptions } from './node/wasi-compat.js';
// Engines: tenant pool, plugins, host functions, JSON policy.
export { Pool, PoolFullError, type PoolOptions } from './node/pool.js';
export { loadPlugin, PluginExited, type Plugin, type PluginOptions, type PluginValue } from './node/plugin.js';
export { hostBytes, HostFunctionError } from './node/host-functions.js';
export type { HostFunction, BytesHostFunction, HostImports } from './run/options.js';
export { loadPolicy } from './node/policy.js';
export { mergeOptions, type PolicyEnvironment } from './run/policy.js';
