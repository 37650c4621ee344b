import { ArchiveRefusedError } from '@octopod/files';
import { ChecksumMismatchError, type TaskResult } from '@octopod/protocol';
import { resultWithoutProcess } from '../exec/result';

/** What errno codes mean, in the words an operator reads in the task's error. */
const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'already exists',
  ENOENT: 'no such file or directory',
};

/** One sentence for why a file operation failed on `path` (named as the user knows it) while `doing` it. */
export function describeFailure(error: unknown, path: string, doing = 'writing'): string {
  if (error instanceof ChecksumMismatchError) return `checksum mismatch: ${error.message}`;
  if (error instanceof ArchiveRefusedError) return `archive refused: ${error.message}`;
  const errno = error as NodeJS.ErrnoException;
  if (errno.code !== undefined) {
    const words = ERRNO_WORDS[errno.code];
    return words ? `${words} ${doing} ${path}` : `${errno.code} ${doing} ${path}: ${errno.message}`;
  }
  return `${errno.message ?? String(error)} (${doing} ${path})`;
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
