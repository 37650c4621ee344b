import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues } from './issues';

const schema = z.object({
  port: z.number(),
  ssl: z.object({ caCert: z.string().min(1, 'must not be empty'), key: z.string() }),
});

function issues(value: unknown, options?: Parameters<typeof formatIssues>[1]): string[] {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failure');
  return formatIssues(parsed.error, options);
}

describe('formatIssues', () => {
  it('gives one "field.path: message" line per issue, "is required" for a missing value', () => {
    expect(issues({ port: 'x', ssl: { caCert: '' } })).toEqual([
      'port: Invalid input: expected number, received string',
      'ssl.caCert: must not be empty',
      'ssl.key: is required',
    ]);
  });

  it("can keep zod's own wording for a missing value", () => {
    expect(issues({ port: 1 }, { missingAsRequired: false })).toEqual([
      'ssl: Invalid input: expected object, received undefined',
    ]);
  });

  it('names the root as (root)', () => {
    const parsed = z.object({}).safeParse([]);
    expect(formatIssues(parsed.error!)).toEqual(['(root): Invalid input: expected object, received array']);
  });

  it('names the env var behind a bad value, only when it is set', () => {
    const overrides = { APP_PORT: ['port'], APP_KEY: ['ssl', 'key'] };
    expect(issues({ port: 'x', ssl: { caCert: 'c' } }, { overrides, env: { APP_PORT: 'x' } })).toEqual([
      'port: Invalid input: expected number, received string (from APP_PORT)',
      'ssl.key: is required',
    ]);
  });
});
