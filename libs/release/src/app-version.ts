import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Set by the release build (esbuild `define`), so a bundled app reports the release's version. */
declare const OCTOPOD_RELEASE_VERSION: string | undefined;

/**
 * An app's version: the release's when it runs from a release bundle, else the `version` of the package.json in
 * `packageDir` (the app's folder: one level above its src/ and dist/), else 0.0.0.
 */
export function appVersion(packageDir: string): string {
  if (typeof OCTOPOD_RELEASE_VERSION === 'string') return OCTOPOD_RELEASE_VERSION;
  try {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
