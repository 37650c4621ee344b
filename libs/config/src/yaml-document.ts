import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error';
import { asMapping } from './parse-config';

/** The YAML mapping in `path` (an empty file is `{}`); a ConfigError when unreadable, not YAML or not a mapping. */
export function readYamlDocument(path: string, app: string): Record<string, unknown> {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(app, [
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    ]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(source);
  } catch (error) {
    throw new ConfigError(app, [`${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`]);
  }
  return asMapping(doc, app);
}
