import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the release build (esbuild `define`), so a bundled pakma reports the release's version. */
declare const OCTOPOD_RELEASE_VERSION: string | undefined;

/** pakma's version: the release's when bundled, else its package.json's (one level above src/ and dist/). */
export function pakmaVersion(): string {
  if (typeof OCTOPOD_RELEASE_VERSION === 'string') return OCTOPOD_RELEASE_VERSION;
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
