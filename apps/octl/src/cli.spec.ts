import { describe, expect, it } from 'vitest';
import { normalizeArgv } from './cli';

describe('normalizeArgv', () => {
  it("rewrites Octopoda's -sf into --state-filter, in both spellings", () => {
    expect(normalizeArgv(['node', 'get', '-sf', 'off', 'pi-1'])).toEqual([
      'node',
      'get',
      '--state-filter',
      'off',
      'pi-1',
    ]);
    expect(normalizeArgv(['node', 'get', '-sf=online'])).toEqual(['node', 'get', '--state-filter=online']);
  });

  it('leaves everything after -- and look-alikes alone', () => {
    expect(normalizeArgv(['node', 'get', '-sfx', '--', '-sf'])).toEqual(['node', 'get', '-sfx', '--', '-sf']);
  });
});
