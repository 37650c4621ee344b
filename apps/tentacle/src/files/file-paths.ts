import { isInside, PathRefusedError, resolvePath, type PathRoots } from '@octopod/files';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileErrorCode } from './file-service';
import { describeFailure } from './failure';

export interface PathPolicy {
  roots: PathRoots;
  /** Absolute paths are taken as they are; otherwise only path variables, `~` and paths under the store. */
  allowAbsolute: boolean;
}

/** A request we answer with an `error` reply rather than a failed result. */
export class FileRequestError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileRequestError';
  }
}

/**
 * Resolves a path as the user wrote it (`@fstore/x`, `~/x`, `x` = under the store, `/x` when allowed). Where
 * absolute paths are not allowed, a symlink that leads out of the path's root is refused too: otherwise a link
 * in the store would reach what an absolute path may not.
 */
export async function resolveUserPath(input: string, policy: PathPolicy): Promise<string> {
  let resolved: { path: string; base: string };
  try {
    resolved = resolvePath(input, policy.roots, { allowAbsolute: policy.allowAbsolute });
  } catch (error) {
    if (error instanceof PathRefusedError) throw new FileRequestError('path_refused', error.message);
    throw error;
  }
  if (!policy.allowAbsolute) {
    const [base, real] = await Promise.all([
      existingRealPath(resolved.base),
      existingRealPath(resolved.path),
    ]);
    if (!isInside(base, real)) {
      throw new FileRequestError('path_refused', `path "${input}" leads out of its root through a symlink`);
    }
  }
  return resolved.path;
}

/** The real path of the deepest part of `path` that exists. */
async function existingRealPath(path: string): Promise<string> {
  for (let current = path; ; current = dirname(current)) {
    try {
      return await realpath(current);
    } catch (error) {
      if (dirname(current) === current) throw error;
    }
  }
}

/**
 * Octopoda's checks of a push target: without force the directory must exist; it must not be a file. With
 * force it is created (`mkdir -p`).
 */
export async function prepareTarget(target: string, force: boolean): Promise<void> {
  const found = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw new FileRequestError('target_invalid', describeFailure(error, target, 'checking'));
  });
  if (found && !found.isDirectory()) throw new FileRequestError('target_invalid', 'target path is a file');
  if (found) return;
  if (!force) throw new FileRequestError('target_invalid', 'target path not exist');
  await mkdir(target, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new FileRequestError(
      'target_invalid',
      `cannot create the target: ${describeFailure(error, target, 'creating')}`,
    );
  });
}

/** A `file` push's name must name one entry of the target directory. */
export function checkFileName(name: string): void {
  if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new FileRequestError('target_invalid', `file name "${name}" is not a plain name`);
  }
}
