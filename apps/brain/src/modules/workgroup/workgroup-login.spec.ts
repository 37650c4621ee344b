import { describe, expect, it, vi } from 'vitest';
import type { BrainConfig } from '../../core/config/brain-config';
import * as hashing from './password-hash';
import type { WorkgroupRepository } from './workgroup.repository';
import { WorkgroupService } from './workgroup.service';

vi.mock('./password-hash', async (real) => {
  const actual = await real<typeof import('./password-hash')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

function service(groups: Record<string, string>) {
  const repository = {
    find: vi.fn(async (path: string) => (path in groups ? { path, passwordHash: groups[path] } : null)),
  } as unknown as WorkgroupRepository;
  return new WorkgroupService({ workgroup: { rootPassword: 'x' } } as BrainConfig, repository);
}

describe('WorkgroupService.checkPassword', () => {
  it('runs the slow check for groups that cannot log in too, so timing does not reveal which exist', async () => {
    const groups = service({ '/g1': await hashing.hashPassword('right-one'), '/added': '' });
    const verify = vi.mocked(hashing.verifyPassword);
    for (const path of ['/g1', '/nosuch', '/added']) {
      verify.mockClear();
      expect(await groups.checkPassword(path, 'wrong-one')).toBe(false);
      expect(verify, path).toHaveBeenCalledTimes(1);
    }
    expect(await groups.checkPassword('/g1', 'right-one')).toBe(true);
  });
});
