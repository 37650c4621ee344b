import { ArchiveRefusedError } from '@octopod/files';
import { ChecksumMismatchError, type TaskResult } from '@octopod/protocol';
import { resultWithoutProcess } from '../exec/result';

/** What errno codes mean for a write, in the words an operator reads in the task's error. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
};

/** One sentence for why a file operation failed, naming the path it failed on. */
export function describeFailure(error: unknown, path: string): string {
  if (error instanceof ChecksumMismatchError) return `checksum mismatch: ${error.message}`;
  if (error instanceof ArchiveRefusedError) return `archive refused: ${error.message}`;
  const errno = error as NodeJS.ErrnoException;
  const where = errno.path ?? path;
  if (errno.code !== undefined) {
    const words = WRITE_ERRORS[errno.code];
    return words ? `${words} writing ${where}` : `${errno.code} writing ${where}: ${errno.message}`;
  }
  return `${(error as Error).message ?? String(error)} (${path})`;
}

/** The result of a push: no process ran, so only the state, the times and the error say anything. */
export function pushResult(
  invocationId: string,
  startedAt: number,
  error: string | null,
  endedAt = Date.now(),
): TaskResult {
  return {
    ...resultWithoutProcess(invocationId, error === null ? 'success' : 'failed', error, endedAt),
    startedAt,
  };
}
