import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { numeric } from './coerce';
import { parseConfig, type ParseOptions } from './parse-config';

const schema = z.object({
  port: numeric(z.number().int().max(65535)).default(80),
  ssl: z.object({ caCert: z.string() }),
});
const overrides = { APP_PORT: ['port'], APP_CA: ['ssl', 'caCert'] };

function issuesOf(doc: unknown, options: Partial<ParseOptions> = {}): string[] {
  try {
    parseConfig(schema, doc, { app: 'demo', overrides, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('validates the document with env overrides applied and coerced', () => {
    expect(parseConfig(schema, { ssl: { caCert: 'a' } }, { app: 'demo', overrides, env: { APP_PORT: '8080' } })).toEqual({
      port: 8080,
      ssl: { caCert: 'a' },
    });
  });

  it('treats an empty document as an empty mapping', () => {
    expect(parseConfig(schema, null, { app: 'demo', overrides, env: { APP_CA: 'ca.pem' } })).toEqual({
      port: 80,
      ssl: { caCert: 'ca.pem' },
    });
  });

  it('refuses a document that is not a mapping, naming the program', () => {
    expect(() => parseConfig(schema, ['a'], { app: 'demo' })).toThrow(/^invalid demo configuration:\n {2}- \(root\): /);
    expect(issuesOf('text')).toEqual(['(root): the config file must be a YAML mapping']);
  });

  it('reports every bad field, citing the env var behind a value unless told not to', () => {
    const env = { APP_PORT: '99999' };
    expect(issuesOf({}, { env })).toEqual([
      'port: Too big: expected number to be <=65535 (from APP_PORT)',
      'ssl: is required',
    ]);
    expect(issuesOf({}, { env, citeEnv: false, missingAsRequired: false })).toEqual([
      'port: Too big: expected number to be <=65535',
      'ssl: Invalid input: expected object, received undefined',
    ]);
  });
});
