import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
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

function issuesOf(path: string): string[] {
  try {
    readYamlDocument(path, 'demo');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

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
    expect(issuesOf(path)).toEqual([`${path}: cannot read (ENOENT)`]);
  });

  it('says when the file is not YAML, with the parser’s first line', () => {
    const path = fileWith('ssl: [\n');
    expect(issuesOf(path)).toEqual([expect.stringMatching(new RegExp(`^${path}: not valid YAML \\([^\\n]+\\)$`))]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(issuesOf(fileWith('- a\n- b\n'))).toEqual(['(root): the config file must be a YAML mapping']);
  });
});
