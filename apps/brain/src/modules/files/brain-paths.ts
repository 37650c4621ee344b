import { isInside, PathRefusedError, resolvePath, type PathRoots } from '@octopod/files';
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { BrainConfig } from '../../core/config/brain-config';
import { ApiError } from '../../core/http/api-error';

/** The brain's own path variables (`brain` as a node in file routes): Octopoda's brain.yaml directories. */
export function brainRoots(config: BrainConfig): PathRoots {
  const workspace = resolve(config.workspace.root);
  return {
    root: homedir(),
    home: homedir(),
    workspace,
    fstore: resolve(config.workspace.store),
    log: config.logger.path ? resolve(config.logger.path) : workspace,
    pakma: join(workspace, 'pakma'),
  };
}

/** The real path of `path`, or of its deepest existing ancestor joined with the rest. */
async function realOrAncestor(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realOrAncestor(parent), path.slice(parent.length + 1));
  }
}

/**
 * A path on the brain, resolved like a node's (path variables, `~`, relative = under the store). Absolute paths
 * only with `files.allowAbsolutePaths`; and the path must stay inside its root also after following symlinks
 * (a link in the store must not lead to the CA key). Refusals are 400 `path_refused`.
 */
export async function resolveBrainPath(config: BrainConfig, input: string): Promise<string> {
  const roots = brainRoots(config);
  let resolved: { path: string; base: string };
  try {
    resolved = resolvePath(input, roots, { allowAbsolute: config.files.allowAbsolutePaths });
  } catch (error) {
    if (error instanceof PathRefusedError) throw new ApiError(400, 'path_refused', error.message);
    throw error;
  }
  if (resolved.base !== '/') {
    const [real, base] = await Promise.all([realOrAncestor(resolved.path), realOrAncestor(resolved.base)]);
    if (!isInside(base, real)) {
      throw new ApiError(
        400,
        'path_refused',
        `path "${input}" leads outside ${resolved.base} through a symlink`,
      );
    }
  }
  return resolved.path;
}

/** A path in the brain's store given relative to it (Octopoda's `/file/spread` `FileOrDir`); nothing else. */
export function storeRelative(input: string): string {
  if (/^[@~/]/.test(input)) {
    throw new ApiError(
      400,
      'path_refused',
      `"${input}" must be a path inside the brain's store, relative to it`,
    );
  }
  return `@fstore/${input}`;
}
