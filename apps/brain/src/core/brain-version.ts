import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The brain's version, from its package.json (one level above dist/ and src/). */
export const BRAIN_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return '0.0.0';
  }
})();
