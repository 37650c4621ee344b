import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tentacle's version, from its package.json (one level above both src/ and dist/). */
export function tentacleVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
