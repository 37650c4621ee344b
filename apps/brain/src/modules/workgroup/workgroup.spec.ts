import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash';
import { isSameOrSubPath, normalizePath } from './workgroup.service';

describe('workgroup paths', () => {
  it("trims Octopoda's trailing slash; the root is the empty path", () => {
    expect(normalizePath('/')).toBe('');
    expect(normalizePath('/lab/')).toBe('/lab');
    expect(normalizePath(undefined)).toBe('');
  });

  it('knows what lies under a root', () => {
    expect(isSameOrSubPath('', '')).toBe(true);
    expect(isSameOrSubPath('/lab', '')).toBe(true);
    expect(isSameOrSubPath('/lab/a', '/lab')).toBe(true);
    expect(isSameOrSubPath('/labx', '/lab')).toBe(false);
    expect(isSameOrSubPath('', '/lab')).toBe(false);
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
