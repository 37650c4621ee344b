import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { numeric } from './coerce';
import { parseConfig, type ParseOptions } from './parse-config';

const schema = z.object({
  port: numeric(z.number().int().max(65535)).default(80),
  ssl: z.object({ caCert: z.string() }),
});
const overrides = { APP_PORT: ['port'], APP_CA: ['ssl', 'caCert'] };

/** What a ConfigError with exactly these issue lines matches. */
const invalid = (issues: string[]) =>
  expect.objectContaining({ name: 'ConfigError', code: 'config_invalid', issues });

const parse =
  (doc: unknown, options: Partial<ParseOptions> = {}) =>
  () =>
    parseConfig(schema, doc, { app: 'demo', overrides, ...options });

describe('parseConfig', () => {
  it('validates the document with env overrides applied and coerced', () => {
    expect(
      parseConfig(schema, { ssl: { caCert: 'a' } }, { app: 'demo', overrides, env: { APP_PORT: '8080' } }),
    ).toEqual({
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
    expect(parse(['a'])).toThrow(/^invalid demo configuration:\n {2}- \(root\): /);
    expect(parse('text')).toThrow(invalid(['(root): the config file must be a YAML mapping']));
  });

  it('reports every bad field, citing the env var behind a value unless told not to', () => {
    const env = { APP_PORT: '99999' };
    expect(parse({}, { env })).toThrow(
      invalid(['port: Too big: expected number to be <=65535 (from APP_PORT)', 'ssl: is required']),
    );
    expect(parse({}, { env, citeEnv: false, missingAsRequired: false })).toThrow(
      invalid([
        'port: Too big: expected number to be <=65535',
        'ssl: Invalid input: expected object, received undefined',
      ]),
    );
  });
});
