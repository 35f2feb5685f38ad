import { FileType } from '../abi/constants.js';
import type { DirEntry, DirHandle, FileHandle, FileSystem } from '../fs/types.js';
import type { InputStream, OutputStream } from './stdio.js';

/** What the guest's fd refers to. Exactly one of file / dir / input / output is set. */
export class Descriptor {
  /** File position (regular files only). */
  pos = 0;
  /** Readdir snapshot, taken when the guest starts a listing at cookie 0. */
  listing: DirEntry[] | null = null;

  constructor(
    public filetype: FileType,
    public rightsBase: number,
    public rightsInheriting: number,
    public fdflags: number,
    readonly file: FileHandle | null,
    readonly dir: DirHandle | null,
    readonly input: InputStream | null,
    readonly output: OutputStream | null,
    /** The mount this descriptor lives in (null for stdio). */
    readonly mount: Mount | null,
    /** For preopened directories: the guest path reported by fd_prestat_dir_name. */
    readonly preopen: string | null = null,
  ) {}

  close(): void {
    this.listing = null;
    if (this.file !== null) this.file.close();
    else if (this.dir !== null) this.dir.close();
  }
}

export interface Mount {
  /** Guest path, e.g. "/data". */
  readonly path: string;
  readonly fs: FileSystem;
  readonly readOnly: boolean;
  readonly dev: bigint;
  /** Host-stamped times at or after this (ns) are shown as the guest's now; null: shown as is. */
  readonly hideTimesFrom: bigint | null;
}

export function fileDescriptor(file: FileHandle, base: number, inheriting: number, fdflags: number, mount: Mount): Descriptor {
  return new Descriptor(file.filetype, base, inheriting, fdflags, file, null, null, null, mount);
}

export function dirDescriptor(dir: DirHandle, base: number, inheriting: number, fdflags: number, mount: Mount, preopen: string | null = null): Descriptor {
  return new Descriptor(FileType.DIRECTORY, base, inheriting, fdflags, null, dir, null, null, mount, preopen);
}
