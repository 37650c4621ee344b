import { appVersion } from '@octopod/release';
import { join } from 'node:path';

/** pakma's version: the release's when bundled, else its package.json's. */
export function pakmaVersion(): string {
  return appVersion(join(__dirname, '..'));
}
