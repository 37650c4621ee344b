import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readYamlDocument } from './yaml-document';

// Libraries may not use @octopod/testing (lint: type:lib depends on type:lib only): a temp dir by hand.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'octopod-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(text: string): string {
  const path = join(dir, 'app.yaml');
  writeFileSync(path, text);
  return path;
}

/** What a ConfigError with exactly these issue lines matches. */
const invalid = (issues: unknown[]) =>
  expect.objectContaining({ name: 'ConfigError', code: 'config_invalid', issues });

describe('readYamlDocument', () => {
  it('returns the mapping in the file', () => {
    expect(readYamlDocument(fileWith('port: 80\nssl: {caCert: ca.pem}\n'), 'demo')).toEqual({
      port: 80,
      ssl: { caCert: 'ca.pem' },
    });
  });

  it('reads an empty file as an empty mapping', () => {
    expect(readYamlDocument(fileWith(''), 'demo')).toEqual({});
  });

  it('says when the file cannot be read', () => {
    const path = join(dir, 'missing.yaml');
    expect(() => readYamlDocument(path, 'demo')).toThrow(invalid([`${path}: cannot read (ENOENT)`]));
  });

  it('says when the file is not YAML, with the parser’s first line', () => {
    const path = fileWith('ssl: [\n');
    expect(() => readYamlDocument(path, 'demo')).toThrow(
      invalid([expect.stringMatching(new RegExp(`^${path}: not valid YAML \\([^\\n]+\\)$`))]),
    );
  });

  it('refuses a document that is not a mapping', () => {
    expect(() => readYamlDocument(fileWith('- a\n- b\n'), 'demo')).toThrow(
      invalid(['(root): the config file must be a YAML mapping']),
    );
  });
});
