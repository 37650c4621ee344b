import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version; package.json sits one level above both src/ and dist/. */
export const OCTL_VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8')) as { version: string }
).version;
