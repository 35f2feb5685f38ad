// The CLI's own failures: a bad command line (exit status 2) and short reasons for host file
// errors, so every message fits on one line.

/** A bad command line (exit status 2). */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function usage(message: string): never {
  throw new CliUsageError(message);
}

const FS_CODES: Record<string, string> = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory', ELOOP: 'too many symbolic links',
};

/** A short reason for a failed host file operation ("no such file or directory"). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code !== undefined ? FS_CODES[code] ?? code : undefined) ?? String((e as Error)?.message ?? e);
}
