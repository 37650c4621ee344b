import { describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../cli';
import { UsageError } from '../../errors';
import { parsePage, parseReset, rewriteScenFlags } from './scen-argv';

describe('rewriteScenFlags', () => {
  it('makes -o the offset after scen/napp version, in both of Octopoda spellings', () => {
    expect(rewriteScenFlags(['scen', 'version', 'x', '-o', '2', '-l', '3'])).toEqual([
      'scen',
      'version',
      'x',
      '--offset',
      '2',
      '--limit',
      '3',
    ]);
    expect(rewriteScenFlags(['napp', 'version', 'pi-1', 'a@s', '-o=1', '-l=4'])).toEqual([
      'napp',
      'version',
      'pi-1',
      'a@s',
      '--offset=1',
      '--limit=4',
    ]);
  });

  it('leaves -o the output format before the subcommand and in other commands', () => {
    expect(rewriteScenFlags(['-o', 'json', 'scen', 'version', 'x', '-o', '2'])).toEqual([
      '-o',
      'json',
      'scen',
      'version',
      'x',
      '--offset',
      '2',
    ]);
    expect(rewriteScenFlags(['-c', 'f.yaml', 'scen', 'get', '-o', 'json'])).toEqual([
      '-c',
      'f.yaml',
      'scen',
      'get',
      '-o',
      'json',
    ]);
    expect(rewriteScenFlags(['scen', 'reset', 'x', '-o', 'json', '-v', 'ab'])).toEqual([
      'scen',
      'reset',
      'x',
      '-o',
      'json',
      '--to-version',
      'ab',
    ]);
    expect(rewriteScenFlags(['node', 'get', '-o', 'json'])).toEqual(['node', 'get', '-o', 'json']);
  });

  it('makes -v / --version the version to reset to, and never rewrites values or what follows --', () => {
    expect(rewriteScenFlags(['napp', 'reset', 'pi-1', 'a@s', '--version=abc', '-m', '-v'])).toEqual([
      'napp',
      'reset',
      'pi-1',
      'a@s',
      '--to-version=abc',
      '--message',
      '-v',
    ]);
    expect(rewriteScenFlags(['scen', 'apply', 'dir', 'commit', '-m=done', '--', '-m'])).toEqual([
      'scen',
      'apply',
      'dir',
      'commit',
      '--message=done',
      '--',
      '-m',
    ]);
    expect(rewriteScenFlags(['scen', 'version', 'x', '-v'])).toEqual(['scen', 'version', 'x', '-v']);
  });

  it('is part of the CLI argv normalisation', () => {
    expect(normalizeArgv(['scen', 'version', 'x', '-o', '2'])).toEqual([
      'scen',
      'version',
      'x',
      '--offset',
      '2',
    ]);
  });
});

describe('parsePage', () => {
  it("defaults to Octopoda's 0 and 5", () => {
    expect(parsePage({})).toEqual({ offset: 0, limit: 5 });
    expect(parsePage({ offset: '2', limit: '10' })).toEqual({ offset: 2, limit: 10 });
  });

  it('refuses what is not a whole number in range', () => {
    for (const bad of [
      { offset: '-1' },
      { offset: 'json' },
      { limit: '1.5' },
      { limit: '' },
      { limit: '5000' },
    ])
      expect(() => parsePage(bad)).toThrow(UsageError);
    expect(() => parsePage({ offset: 'x' })).toThrow('-o/--offset must be a whole number from 0 to 1000000');
    expect(() => parsePage({ offset: 'json' })).toThrow(
      '-o here is the offset (as in Octopoda), got "json": give the output format as --output json',
    );
  });
});

describe('parseReset', () => {
  it('needs both -v and -m', () => {
    expect(parseReset('scen reset', { toVersion: '3f2a', message: 'back' })).toEqual({
      version: '3f2a',
      message: 'back',
    });
    expect(() => parseReset('scen reset', {})).toThrow('scen reset needs -v <version> and -m <message>');
    expect(() => parseReset('napp reset', { toVersion: 'ab' })).toThrow('napp reset needs -m <message>');
  });

  it('wants a hash prefix of 2 to 40 hex digits', () => {
    for (const bad of ['a', 'xyz1', 'f'.repeat(41)])
      expect(() => parseReset('scen reset', { toVersion: bad, message: 'm' })).toThrow(UsageError);
  });
});
