import { describe, expect, it } from 'vitest';
import { contentTypeOf, resolveStaticPath } from './static-path';

const mounts = [
  { url: '/release', dir: '/srv/release' },
  { url: '/release/beta/', dir: '/srv/beta' },
  { url: '/src', dir: '/srv/src/' },
];

describe('resolveStaticPath', () => {
  it('maps a path under a mount to a file inside its dir', () => {
    expect(resolveStaticPath(mounts, '/release/app_v1_linux_amd64.tar.xz')).toEqual({
      kind: 'file',
      filePath: '/srv/release/app_v1_linux_amd64.tar.xz',
    });
    expect(resolveStaticPath(mounts, '/src/a/b%20c.txt')).toEqual({
      kind: 'file',
      filePath: '/srv/src/a/b c.txt',
    });
  });

  it('picks the longest mount url', () => {
    expect(resolveStaticPath(mounts, '/release/beta/x')).toEqual({ kind: 'file', filePath: '/srv/beta/x' });
  });

  it('does not claim paths of no mount, nor mere name prefixes', () => {
    expect(resolveStaticPath(mounts, '/register')).toEqual({ kind: 'unmounted' });
    expect(resolveStaticPath(mounts, '/releases/x')).toEqual({ kind: 'unmounted' });
  });

  it('keeps the mount root itself inside (it is a directory, served as 404 later)', () => {
    expect(resolveStaticPath(mounts, '/release')).toEqual({ kind: 'file', filePath: '/srv/release' });
  });

  it.each([
    '/release/../etc/passwd',
    '/release/..%2f..%2fetc/passwd',
    '/release/%2e%2e/%2e%2e/etc/passwd',
    '/release/a/../../secret',
    '/release/..',
    '/src/%2E%2E%2Fsrc-other/x',
  ])('refuses traversal %s', (path) => {
    expect(resolveStaticPath(mounts, path)).toMatchObject({ kind: 'refused' });
  });

  it('refuses bad percent-encoding and NUL bytes', () => {
    expect(resolveStaticPath(mounts, '/release/%E0%A4%A')).toMatchObject({ kind: 'refused' });
    expect(resolveStaticPath(mounts, '/release/a%00.txt')).toMatchObject({ kind: 'refused' });
  });

  it('allows names that merely start with two dots', () => {
    expect(resolveStaticPath(mounts, '/release/..hidden')).toEqual({
      kind: 'file',
      filePath: '/srv/release/..hidden',
    });
  });
});

describe('contentTypeOf', () => {
  it('knows release archives and falls back to octet-stream', () => {
    expect(contentTypeOf('/r/app_v1_linux_amd64.tar.xz')).toBe('application/x-xz');
    expect(contentTypeOf('/r/notes.TXT')).toBe('text/plain; charset=utf-8');
    expect(contentTypeOf('/r.d/binary')).toBe('application/octet-stream');
  });
});
