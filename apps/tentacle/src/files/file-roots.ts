import type { PathRoots } from '@octopod/files';
import { homedir } from 'node:os';
import type { TentacleConfig } from '../config';

/**
 * What the path variables of file requests name on this node. `@root` is the tentacle user's home (Octopoda's
 * `/root/` for a tentacle running as root); `@log` falls back to the workspace when logs go to stdout only.
 */
export function filesRoots(config: TentacleConfig, home = homedir()): PathRoots {
  return {
    root: home,
    workspace: config.workspace.root,
    fstore: config.workspace.store,
    log: config.logger.path || config.workspace.root,
    pakma: config.pakma.root,
    home,
  };
}
