import { PathRefusedError, resolvePath, type PathRoots } from '@octopod/files';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
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

/** A path on the brain, resolved like a node's (relative = under the store); refusals are 400 `path_refused`. */
export function resolveBrainPath(config: BrainConfig, input: string): string {
  try {
    return resolvePath(input, brainRoots(config), { allowAbsolute: true }).path;
  } catch (error) {
    if (error instanceof PathRefusedError) throw new ApiError(400, 'path_refused', error.message);
    throw error;
  }
}
