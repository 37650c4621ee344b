import { describe, expect, it } from 'vitest';
import type { BrainConfig } from '../../core/config/brain-config';
import { hashPassword, verifyPassword } from './password-hash';
import type { WorkgroupRepository } from './workgroup.repository';
import {
  displayPath,
  groupPathOfRef,
  isDirectChild,
  isSameOrSubPath,
  isValidPath,
  normalizePath,
  parentOf,
} from './workgroup-path';
import { WorkgroupError, WorkgroupService, type WorkgroupCaller } from './workgroup.service';

describe('workgroup paths', () => {
  it("trims Octopoda's trailing slash; the root is the empty path", () => {
    expect(normalizePath('/')).toBe('');
    expect(normalizePath('/lab/')).toBe('/lab');
    expect(normalizePath(undefined)).toBe('');
    expect(displayPath('')).toBe('/');
    expect(displayPath('/lab')).toBe('/lab');
  });

  it('knows what lies under a root', () => {
    expect(isSameOrSubPath('', '')).toBe(true);
    expect(isSameOrSubPath('/lab', '')).toBe(true);
    expect(isSameOrSubPath('/lab/a', '/lab')).toBe(true);
    expect(isSameOrSubPath('/labx', '/lab')).toBe(false);
    expect(isSameOrSubPath('', '/lab')).toBe(false);
    expect(isSameOrSubPath('/lab/', '/lab')).toBe(false);
  });

  it('knows direct children (only they may be added to, removed or granted)', () => {
    expect(isDirectChild('/g1', '')).toBe(true);
    expect(isDirectChild('/g1/sub', '/g1')).toBe(true);
    expect(isDirectChild('/g1/sub', '')).toBe(false);
    expect(isDirectChild('', '')).toBe(false);
    expect(isDirectChild('/g1', '/g1')).toBe(false);
    expect(isDirectChild('//g1', '')).toBe(false);
    expect(isDirectChild('/g1x/a', '/g1')).toBe(false);
    expect(isDirectChild('/g1/', '/g1')).toBe(false);
    expect(parentOf('/g1/sub')).toBe('/g1');
    expect(parentOf('/g1')).toBe('');
  });

  it('accepts well-formed paths only', () => {
    expect(isValidPath('')).toBe(true);
    expect(isValidPath('/g1/sub-2.x_y')).toBe(true);
    for (const bad of ['g1', '/', '/g1/', '//g1', '/g 1', '/g1/..', '/.', '/a\tb']) {
      expect(isValidPath(bad), bad).toBe(false);
    }
  });

  it('finds the group a @reference names, relative to the current path', () => {
    expect(groupPathOfRef('', '@g1')).toBe('/g1');
    expect(groupPathOfRef('/g1', '@sub')).toBe('/g1/sub');
    expect(groupPathOfRef('/g1', '@sub/deeper/')).toBe('/g1/sub/deeper');
    for (const whole of ['@', '@ALL', '@all']) expect(groupPathOfRef('/g1', whole)).toBe('/g1');
    expect(groupPathOfRef('', '@')).toBe('');
    expect(groupPathOfRef('/g1', 'sub')).toBeNull();
    expect(groupPathOfRef('/g1', '@/abs')).toBeNull();
    expect(groupPathOfRef('/g1', '@..')).toBeNull();
  });
});

/** The service over an in-memory tree (repository fake): the rules, without a database. */
function serviceOver(tree: Record<string, string[]>, nodes: string[]) {
  const hashes = new Map(Object.keys(tree).map((path) => [path, '']));
  const repository = {
    find: async (path: string) =>
      hashes.has(path) ? { path, passwordHash: hashes.get(path) as string } : null,
    nodeNames: async () => [...nodes].sort(),
    members: async (path: string) => [...(tree[path] ?? [])].sort(),
    descendants: async (path: string) =>
      Object.keys(tree)
        .filter((p) => p.startsWith(`${path}/`))
        .sort(),
    addMembers: async (path: string, names: string[]) => {
      hashes.set(path, hashes.get(path) ?? '');
      tree[path] = [...new Set([...(tree[path] ?? []), ...names])];
    },
    updatePasswordHash: async (path: string, hash: string) => hashes.has(path) && !!hashes.set(path, hash),
  } as unknown as WorkgroupRepository;
  const config = { workgroup: { rootPassword: 'root-secret' } } as BrainConfig;
  hashes.set('', 'unused');
  return new WorkgroupService(config, repository);
}

describe('WorkgroupService rules', () => {
  const root: WorkgroupCaller = { rootPath: '', scopePath: '' };
  const tree = () => ({ '/g1': ['n1', 'n2'], '/g1/sub': ['n1'], '/g1/empty': [], '/g2': ['n3'] });

  it('gives members: every node for the root, rows for a group, null for no group', async () => {
    const service = serviceOver(tree(), ['n3', 'n1', 'n2', 'n4']);
    expect(await service.membersOf('')).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(await service.membersOf('/g1')).toEqual(['n1', 'n2']);
    expect(await service.membersOf('/nope')).toBeNull();
    expect(await service.childrenOf('/g1')).toEqual(['/g1/empty', '/g1/sub']);
    expect(await service.childrenOf('')).toEqual(['/g1', '/g2']);
    expect(await service.childrenOf('/nope')).toBeNull();
  });

  it('resolves @group references from the current path; unknown or empty groups are null', async () => {
    const service = serviceOver(tree(), ['n1', 'n2', 'n3']);
    expect(await service.resolveGroupRef('', '@g1')).toEqual(['n1', 'n2']);
    expect(await service.resolveGroupRef('', '@g1/sub')).toEqual(['n1']);
    expect(await service.resolveGroupRef('/g1', '@sub')).toEqual(['n1']);
    expect(await service.resolveGroupRef('/g1', '@ALL')).toEqual(['n1', 'n2']);
    expect(await service.resolveGroupRef('/g1', '@')).toEqual(['n1', 'n2']);
    expect(await service.resolveGroupRef('', '@all')).toEqual(['n1', 'n2', 'n3']);
    expect(await service.resolveGroupRef('/g1', '@g2')).toBeNull();
    expect(await service.resolveGroupRef('/g1', '@empty')).toBeNull();
    expect(await service.resolveGroupRef('', 'g1')).toBeNull();
  });

  const refused = async (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: unknown) => (error instanceof WorkgroupError ? error.code : `unexpected: ${String(error)}`),
    );

  it('adds only to direct children of the root, only nodes in scope, never nothing', async () => {
    const service = serviceOver(tree(), ['n1', 'n2', 'n3']);
    expect(await refused(service.addMembers(root, '/g1/sub', ['n1']))).toBe('not_direct_child');
    expect(await refused(service.addMembers(root, '/g1', []))).toBe('empty_members');
    expect(await refused(service.addMembers(root, '/g1', ['ghost']))).toBe('invalid_members');
    expect(await refused(service.addMembers(root, '/g 1', ['n1']))).toBe('bad_path');
    const inG1: WorkgroupCaller = { rootPath: '/g1', scopePath: '/g1' };
    expect(await refused(service.addMembers(inG1, '/g1/new', ['n3']))).toBe('invalid_members');
    expect(await service.addMembers(inG1, '/g1/new', ['n2', 'n2'])).toEqual({
      path: '/g1/new',
      members: ['n2'],
      deleted: [],
    });
    const inSub: WorkgroupCaller = { rootPath: '/g1', scopePath: '/g1/sub' };
    expect(await refused(service.addMembers(inSub, '/g1/new', ['n2']))).toBe('invalid_members');
  });

  it('grants passwords of at least 6 characters to existing direct children only', async () => {
    const service = serviceOver(tree(), ['n1']);
    expect(await refused(service.grant(root, '/g1', '12345'))).toBe('password_too_short');
    expect(await refused(service.grant(root, '/g1/sub', '123456'))).toBe('not_direct_child');
    expect(await refused(service.grant(root, '/nope', '123456'))).toBe('not_found');
    expect(await service.checkPassword('/g1', '123456')).toBe(false);
    expect(await refused(service.grant(root, '/g1/', '123456'))).toBe('accepted');
    expect(await service.checkPassword('/g1', '123456')).toBe(true);
    expect(await service.checkPassword('/g1', '1234567')).toBe(false);
  });

  it('shows a group only under the caller root', async () => {
    const service = serviceOver(tree(), ['n1']);
    const inG2: WorkgroupCaller = { rootPath: '/g2', scopePath: '/g2' };
    expect(await refused(service.view(inG2, '/g1'))).toBe('not_under_root');
    expect(await refused(service.view(root, '/nope'))).toBe('not_found');
    expect(await service.view(root, '/g1/')).toEqual({
      path: '/g1',
      children: ['/g1/empty', '/g1/sub'],
      members: ['n1', 'n2'],
      hasPassword: false,
    });
  });
});

describe('password hashing', () => {
  it('verifies the right password only, and never stores it in clear', async () => {
    const stored = await hashPassword('secret123');
    expect(stored).not.toContain('secret123');
    expect(stored.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('secret123', stored)).toBe(true);
    expect(await verifyPassword('secret124', stored)).toBe(false);
    expect(await verifyPassword('secret123', 'plain')).toBe(false);
    expect(await hashPassword('secret123')).not.toBe(stored); // salted
  });
});
