import { describe, expect, it } from 'vitest';
import { isInside, PathRefusedError, resolvePath, type PathRefusal, type PathRoots } from './path-variables';

const roots: PathRoots = {
  root: '/srv/octopod',
  workspace: '/srv/octopod/workspace',
  fstore: '/srv/octopod/fstore',
  log: '/var/log/octopod',
  pakma: '/srv/octopod/pakma',
  home: '/home/tentacle',
};
const relaxed = { allowAbsolute: true };
const strict = { allowAbsolute: false };

function refusal(input: string, options = strict): PathRefusedError {
  try {
    resolvePath(input, roots, options);
  } catch (err) {
    if (err instanceof PathRefusedError) return err;
    throw err;
  }
  throw new Error(`"${input}" was not refused`);
}

describe('resolvePath', () => {
  it.each([
    ['@root', '/srv/octopod', '/srv/octopod'],
    ['@workspace/job/1', '/srv/octopod/workspace/job/1', '/srv/octopod/workspace'],
    ['@fstore/a/b', '/srv/octopod/fstore/a/b', '/srv/octopod/fstore'],
    ['@log/', '/var/log/octopod', '/var/log/octopod'],
    ['@pakma/pkg.tar', '/srv/octopod/pakma/pkg.tar', '/srv/octopod/pakma'],
    ['~', '/home/tentacle', '/home/tentacle'],
    ['~/notes.txt', '/home/tentacle/notes.txt', '/home/tentacle'],
    ['data/x.bin', '/srv/octopod/fstore/data/x.bin', '/srv/octopod/fstore'],
    ['@fstore/a/../b', '/srv/octopod/fstore/b', '/srv/octopod/fstore'],
    ['a/./b//c/', '/srv/octopod/fstore/a/b/c', '/srv/octopod/fstore'],
    ['~user', '/srv/octopod/fstore/~user', '/srv/octopod/fstore'],
  ])('resolves %s', (input, path, base) => {
    expect(resolvePath(input, roots, strict)).toEqual({ path, base });
  });

  it('allows an absolute path only when asked to', () => {
    expect(resolvePath('/etc/../opt/app', roots, relaxed)).toEqual({ path: '/opt/app', base: '/' });
    const err = refusal('/opt/app');
    expect(err.code).toBe('absolute');
    expect(err.message).toContain('/opt/app');
  });

  it.each<[string, PathRefusal]>([
    ['@fstore/../../etc', 'traversal'],
    ['@root/..', 'traversal'],
    ['@workspace/a/../../b', 'traversal'],
    ['@log/../octopod-other', 'traversal'],
    ['@pakma/../..', 'traversal'],
    ['~/../other', 'traversal'],
    ['..', 'traversal'],
    ['a/../../fstore-sibling', 'traversal'],
    ['@home/x', 'unknown_variable'],
    ['@fstorex/a', 'unknown_variable'],
    ['', 'empty'],
    ['   ', 'empty'],
  ])('refuses %j as %s', (input, code) => {
    expect(refusal(input, relaxed).code).toBe(code);
  });

  it('says which root a path leaves, and lists the known variables', () => {
    expect(refusal('@fstore/../../etc').message).toBe('path "@fstore/../../etc" leaves @fstore');
    expect(refusal('../x').message).toBe('path "../x" leaves @fstore');
    expect(refusal('@nope/x').message).toContain('@root, @workspace, @fstore, @log, @pakma');
  });

  it('recognises a variable only as the first component', () => {
    expect(resolvePath('a/@root', roots, strict).path).toBe('/srv/octopod/fstore/a/@root');
  });
});

describe('isInside', () => {
  it.each([
    ['/a/b', '/a/b', true],
    ['/a/b', '/a/b/c', true],
    ['/a/b', '/a/b/../b/c', true],
    ['/a/b', '/a/bc', false],
    ['/a/b', '/a', false],
    ['/a/b', '/a/b/../c', false],
    ['/a/b', '/a/b/..c', true],
    ['/', '/anything', true],
  ])('isInside(%s, %s) is %s', (parent, child, inside) => {
    expect(isInside(parent, child)).toBe(inside);
  });
});
