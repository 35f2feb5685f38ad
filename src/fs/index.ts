// Browser-safe filesystems: everything here runs without Node APIs.

export type {
  DirEntry, DirHandle, FileHandle, FileSystem, Handle, MountContext, NowFn, OpenOptions, Stat,
} from './types.js';
export {
  MemoryFileSystem, MemoryFsError, memoryFs, type MemoryFsOptions, type MemoryTree, type ToTreeOptions,
} from './memory.js';
export { ReadOnlyFileSystem, readOnly } from './readonly.js';
export { QuotaFileSystem, quota, type QuotaOptions, type QuotaUsage } from './quota.js';
export {
  VirtualFileMount, VirtualFileSystem, file, isVirtualFileMount, virtualDir, virtualFile,
  type VirtualEntries, type VirtualFileSource, type VirtualFileSpec,
} from './virtual.js';
export {
  OverlayFileSystem, overlay, type OverlayChange, type OverlayExport, type OverlayOptions,
} from './overlay.js';
