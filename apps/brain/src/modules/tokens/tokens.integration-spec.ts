import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { PrismaService } from '../../core/database/prisma.service';
import { hashPassword } from '../workgroup/password-hash';
import { WorkgroupRepository } from '../workgroup/workgroup.repository';

interface Login {
  token: string;
  id: string;
  name: string;
  path: string;
  expiresAt: string;
}

const G1_PASSWORD = 'g1-secret';

describe('API tokens (real HTTPS)', () => {
  let t: TestBrain;
  const login = (body: Record<string, unknown>) =>
    t.api('/api/v2/auth/login', { method: 'POST', body, cert: null });
  const loginOk = async (body: Record<string, unknown>): Promise<Login> => {
    const res = await login(body);
    expect(res.status, res.text).toBe(201);
    return res.json() as Login;
  };
  const withToken = (path: string, token: string, options: { method?: string; headers?: object } = {}) =>
    t.api(path, {
      method: options.method,
      cert: null,
      headers: { authorization: `Bearer ${token}`, ...options.headers },
    });

  beforeAll(async () => {
    t = await startTestBrain();
    const groups = t.brain.app.get(WorkgroupRepository);
    for (const path of ['/g1', '/g1/sub', '/g2', '/rate']) {
      await groups.setPasswordHash(path, await hashPassword(G1_PASSWORD));
    }
    // A group added but never granted a password (as `wg add` leaves it).
    await groups.setPasswordHash('/fresh', '');
  });
  afterAll(() => t.stop());

  it('trades a workgroup password for a token shown once, bound to the group', async () => {
    const before = Date.now();
    const res = await loginOk({ path: '/g1/', password: G1_PASSWORD, name: 'alice' });
    expect(res.token).toMatch(/^opt_[A-Za-z0-9_-]{43}$/);
    expect(res).toMatchObject({ name: 'alice', path: '/g1', id: expect.stringMatching(/^tok_/) });
    const ttl = Date.parse(res.expiresAt) - before;
    expect(ttl).toBeGreaterThan(12 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(12 * 3600_000 + 1000);

    const nodes = await withToken('/api/v2/nodes', res.token);
    expect(nodes.status).toBe(200);
    const list = await withToken('/api/v2/tokens', res.token);
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(res.token);
    expect(list.text).not.toMatch(/hash/i);
    expect((list.json() as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({ id: res.id, name: 'alice', path: '/g1', state: 'active' }),
    );
    // lastUsedAt is written in the background.
    await waitFor(async () => {
      const items = ((await withToken('/api/v2/tokens', res.token)).json() as { items: Login[] }).items;
      return items.find((i) => i.id === res.id && (i as unknown as { lastUsedAt: string }).lastUsedAt);
    });
  });

  it('refuses a wrong password, an unknown group and a group without a password alike', async () => {
    for (const body of [
      { path: '/g1', password: 'wrong-password' },
      { path: '/nope', password: G1_PASSWORD },
      { path: '/fresh', password: '' },
      { path: '/fresh', password: 'anything' },
    ]) {
      const res = await login(body);
      expect(res.status, JSON.stringify(body)).toBe(401);
      expect(res.json()).toEqual({
        statusCode: 401,
        code: 'bad_credentials',
        message: 'wrong workgroup path or password',
      });
    }
    expect((await login({ path: '/g1' })).status).toBe(400);
    expect((await login({ path: '/g1', password: G1_PASSWORD, ttlSeconds: 31 * 86400 })).status).toBe(400);
  });

  it('throttles repeated failures per source and path with 429 and Retry-After', async () => {
    for (let i = 0; i < 5; i++) expect((await login({ path: '/rate', password: 'wrong' })).status).toBe(401);
    const refused = await login({ path: '/rate', password: G1_PASSWORD });
    expect(refused.status).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'too_many_attempts' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another group from the same address is not held back.
    await loginOk({ path: '/g2', password: G1_PASSWORD });
  });

  it('no longer takes the root password as a bearer secret', async () => {
    const res = await withToken('/api/v2/nodes', ROOT_PASSWORD);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'token_unknown' });
    expect((await withToken('/api/v2/nodes', `opt_${'A'.repeat(43)}`)).json()).toMatchObject({
      code: 'token_unknown',
      message: 'unknown API token: log in again',
    });
    const none = await t.api('/api/v2/nodes', { cert: null });
    expect(none.status).toBe(401);
    expect(none.json()).toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('octl login'),
    });
  });

  it('refuses an expired token, saying so', async () => {
    const res = await loginOk({ path: '/g1', password: G1_PASSWORD, name: 'short', ttlSeconds: 60 });
    await t.brain.app
      .get(PrismaService)
      .apiToken.update({ where: { id: res.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const refused = await withToken('/api/v2/nodes', res.token);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({
      code: 'token_expired',
      message: expect.stringMatching(/^API token "short" \(tok_\w+\) expired at .*: log in again$/),
    });
  });

  it('revokes a token at once; only its own workgroup or above may revoke it', async () => {
    const g1 = await loginOk({ path: '/g1', password: G1_PASSWORD, name: 'to-revoke' });
    const g2 = await loginOk({ path: '/g2', password: G1_PASSWORD });
    const sub = await loginOk({ path: '/g1/sub', password: G1_PASSWORD });
    expect((await withToken(`/api/v2/tokens/${g1.id}`, g2.token, { method: 'DELETE' })).status).toBe(404);
    expect((await withToken(`/api/v2/tokens/${g1.id}`, sub.token, { method: 'DELETE' })).status).toBe(404);
    expect((await withToken('/api/v2/nodes', g1.token)).status).toBe(200);

    const revoked = await withToken(`/api/v2/tokens/${g1.id}`, g1.token, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toMatchObject({ id: g1.id, state: 'revoked', revokedAt: expect.any(String) });
    const refused = await withToken('/api/v2/nodes', g1.token);
    expect(refused.status).toBe(401);
    expect(refused.json()).toMatchObject({
      code: 'token_revoked',
      message: expect.stringContaining('"to-revoke"'),
    });
    // The root's certificate holder sees and may revoke every token.
    const all = (await t.api('/api/v2/tokens')).json() as { items: Array<{ id: string; path: string }> };
    expect(all.items.map((i) => i.path)).toEqual(expect.arrayContaining(['/g1', '/g2', '/g1/sub']));
    expect((await t.api(`/api/v2/tokens/${sub.id}`, { method: 'DELETE' })).status).toBe(200);
    // /g1 sees its own and /g1/sub's tokens, not /g2's.
    const g1Again = await loginOk({ path: '/g1', password: G1_PASSWORD });
    const seen = (await withToken('/api/v2/tokens', g1Again.token)).json() as {
      items: Array<{ path: string }>;
    };
    expect(new Set(seen.items.map((i) => i.path))).toEqual(new Set(['/g1', '/g1/sub']));
  });

  it('takes a revocation made by another brain instance (straight in the database) at the next request', async () => {
    const token = await loginOk({ path: '/g1', password: G1_PASSWORD, name: 'elsewhere' });
    expect((await withToken('/api/v2/nodes', token.token)).status).toBe(200);
    await t.brain.app
      .get(PrismaService)
      .apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    const refused = await withToken('/api/v2/nodes', token.token);
    expect([refused.status, (refused.json() as { code: string }).code]).toEqual([401, 'token_revoked']);
  });

  it('narrows the workgroup with x-workgroup-path, within the caller’s own only', async () => {
    const g1 = await loginOk({ path: '/g1', password: G1_PASSWORD });
    const as = (path: string, token?: string) =>
      token
        ? withToken('/api/v2/tokens', token, { headers: { 'x-workgroup-path': path } })
        : t.api('/api/v2/tokens', { headers: { 'x-workgroup-path': path } });
    expect((await as('/g1/sub', g1.token)).status).toBe(200);
    expect((await as('/g1/', g1.token)).status).toBe(200);
    const outside = await as('/g2', g1.token);
    expect(outside.status).toBe(403);
    expect(outside.json()).toEqual({
      statusCode: 403,
      code: 'workgroup_outside',
      message: 'x-workgroup-path "/g2" is outside your workgroup "/g1"',
    });
    expect((await as('/', g1.token)).json()).toMatchObject({ code: 'workgroup_outside' });
    expect((await as('/g1/nope', g1.token)).json()).toMatchObject({ code: 'workgroup_not_found' });
    // A root certificate may narrow to any existing group.
    expect((await as('/g2')).status).toBe(200);
    expect((await as('/ghost')).status).toBe(403);
  });
});
