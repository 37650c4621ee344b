import { appVersion } from '@octopod/release';
import { join } from 'node:path';

/** The tentacle's version: the release's when bundled, else its package.json's. */
export function tentacleVersion(): string {
  return appVersion(join(__dirname, '..'));
}
