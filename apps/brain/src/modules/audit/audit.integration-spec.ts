import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { PrismaService } from '../../core/database/prisma.service';
import { hashPassword } from '../workgroup/password-hash';
import { WorkgroupRepository } from '../workgroup/workgroup.repository';

interface Record {
  id: string;
  at: string;
  correlationId: string;
  face: string;
  actorKind: string;
  actor: string;
  workgroup: string;
  method: string;
  route: string;
  action: string;
  targets: string[];
  status: number;
  outcome: string;
  detail: { [key: string]: unknown } | null;
}
type Page = { items: Record[]; nextBefore: string | null };

const root = { rootpath: '/', currentpath: '/', password: ROOT_PASSWORD };

describe('audit trail (real HTTPS)', () => {
  let t: TestBrain;
  const audit = async (query = ''): Promise<Page> => {
    const res = await t.api(`/api/v2/audit${query}`);
    expect(res.status, res.text).toBe(200);
    return res.json() as Page;
  };
  /** The record of one call, found by the correlation id it was given. */
  const recordOf = (correlationId: string) =>
    waitFor(async () => (await audit()).items.find((r) => r.correlationId === correlationId), {
      what: `audit record ${correlationId}`,
    });
  let seq = 0;
  const cid = () => `test-${++seq}-${Date.now()}`;

  beforeAll(async () => {
    t = await startTestBrain();
    t.pki.client('p1');
    await t.tentacle('p1').join();
    await waitFor(async () => (await t.api('/api/v2/nodes/p1')).status === 200);
    await t.brain.app.get(WorkgroupRepository).setPasswordHash('/g1', await hashPassword('g1-secret'));
  });
  afterAll(() => t.stop());

  it('records a v2 mutating call with who, what, targets and the correlation id of the response', async () => {
    const res = await t.api('/api/v2/nodes/resolve', { method: 'POST', body: { targets: ['p1'] } });
    expect(res.status).toBe(200);
    const id = res.headers['x-correlation-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const record = await recordOf(id);
    expect(record).toMatchObject({
      face: 'v2',
      actorKind: 'certificate',
      actor: 'admin',
      workgroup: '/',
      method: 'POST',
      route: '/api/v2/nodes/resolve',
      action: 'resolveNodes',
      status: 200,
      outcome: 'ok',
    });
    // The caller's own correlation id is kept.
    const mine = cid();
    const again = await t.api('/api/v2/nodes/resolve', {
      method: 'POST',
      body: { targets: [] },
      headers: { 'x-correlation-id': mine },
    });
    expect(again.headers['x-correlation-id']).toBe(mine);
    await recordOf(mine);
  });

  it('records refused calls with what the caller presented', async () => {
    const anonymous = cid();
    const res = await t.api('/api/v2/tasks', {
      method: 'POST',
      body: { command: 'true', targets: ['p1'] },
      cert: null,
      headers: { 'x-correlation-id': anonymous },
    });
    expect(res.status).toBe(401);
    expect(await recordOf(anonymous)).toMatchObject({
      actorKind: 'anonymous',
      actor: 'anonymous',
      route: '/api/v2/tasks',
      action: 'createTask',
      status: 401,
      outcome: 'refused',
      detail: { error: { code: 'unauthorized' } },
    });

    const login = await t.api('/api/v2/auth/login', {
      method: 'POST',
      body: { path: '/g1', password: 'g1-secret', name: 'carol', ttlSeconds: 60 },
      cert: null,
    });
    const { token, id } = login.json() as { token: string; id: string };
    expect((await recordOf(login.headers['x-correlation-id'] as string)) as Record).toMatchObject({
      actorKind: 'token',
      actor: 'carol',
      workgroup: '/g1',
      action: 'login',
      outcome: 'ok',
      detail: { tokenId: id },
    });
    await t.api(`/api/v2/tokens/${id}`, { method: 'DELETE' });
    const revoked = cid();
    await t.api(`/api/v2/tokens/${id}`, {
      method: 'DELETE',
      cert: null,
      headers: { authorization: `Bearer ${token}`, 'x-correlation-id': revoked },
    });
    expect(await recordOf(revoked)).toMatchObject({
      actorKind: 'token',
      actor: 'carol',
      status: 401,
      outcome: 'refused',
      detail: { params: { id }, error: { code: 'token_revoked' } },
    });
    // A read is not audited, but one turned away is.
    const refusedRead = cid();
    const read = await t.api('/api/v2/nodes', {
      cert: null,
      headers: { authorization: `Bearer ${token}`, 'x-correlation-id': refusedRead },
    });
    expect(read.status).toBe(401);
    expect(await recordOf(refusedRead)).toMatchObject({
      actorKind: 'token',
      actor: 'carol',
      method: 'GET',
      action: 'listNodes',
      outcome: 'refused',
      detail: { error: { code: 'token_revoked' } },
    });
    const bad = cid();
    await t.api('/api/v2/auth/login', {
      method: 'POST',
      body: { path: '/g1', password: 'nope-nope' },
      cert: null,
      headers: { 'x-correlation-id': bad },
    });
    expect(await recordOf(bad)).toMatchObject({
      actorKind: 'anonymous',
      workgroup: '/g1',
      status: 401,
      outcome: 'refused',
      detail: { error: { code: 'bad_credentials' } },
    });
  });

  it('records a call that failed inside the brain', async () => {
    const prisma = t.brain.app.get(PrismaService);
    await prisma.$executeRawUnsafe('ALTER TABLE "api_token" RENAME TO "api_token_away"');
    const failed = cid();
    try {
      const res = await t.api('/api/v2/tokens/tok_x', {
        method: 'DELETE',
        headers: { 'x-correlation-id': failed },
      });
      expect(res.status).toBe(500);
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "api_token_away" RENAME TO "api_token"');
    }
    expect(await recordOf(failed)).toMatchObject({
      action: 'revokeToken',
      status: 500,
      outcome: 'failed',
      detail: { params: { id: 'tok_x' }, error: { code: 'internal' } },
    });
  });

  it('records the Octopoda face: a POST, and GET /node/prune, but not plain reads', async () => {
    const parse = cid();
    await t.api('/api/v1/nodes/parse', {
      method: 'POST',
      body: ['p1'],
      headers: { ...root, 'x-correlation-id': parse },
    });
    expect(await recordOf(parse)).toMatchObject({
      face: 'v1',
      actorKind: 'workgroup',
      actor: '/',
      workgroup: '/',
      method: 'POST',
      route: '/api/v1/nodes/parse',
      action: 'v1.parse',
      outcome: 'ok',
    });
    const prune = cid();
    const res = await t.api(`/api/v1/node/prune?targetNodes=${encodeURIComponent('["p1"]')}`, {
      headers: { ...root, 'x-correlation-id': prune },
    });
    expect(res.status).toBe(200);
    expect(await recordOf(prune)).toMatchObject({
      face: 'v1',
      method: 'GET',
      route: '/api/v1/node/prune',
      action: 'v1.prune',
      targets: ['p1'],
      outcome: 'ok',
    });
    const read = cid();
    await t.api('/api/v1/node/info?name=p1', { headers: { ...root, 'x-correlation-id': read } });
    const refusedV1 = cid();
    await t.api('/api/v1/nodes/parse', {
      method: 'POST',
      body: [],
      headers: { ...root, password: 'wrong-password', 'x-correlation-id': refusedV1 },
    });
    expect(await recordOf(refusedV1)).toMatchObject({
      actorKind: 'certificate',
      actor: 'admin',
      status: 401,
      outcome: 'refused',
    });
    expect((await audit()).items.some((r) => r.correlationId === read)).toBe(false);
  });

  it('filters by actor, action, node, outcome and time, and pages newest first', async () => {
    const all = await audit('?limit=500');
    expect(all.items.length).toBeGreaterThan(5);
    const ids = all.items.map((r) => BigInt(r.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);

    const only = async (query: string, check: (r: Record) => boolean) => {
      const { items } = await audit(query);
      expect(items.length, query).toBeGreaterThan(0);
      expect(items.every(check), query).toBe(true);
      return items;
    };
    await only('?actor=anonymous', (r) => r.actor === 'anonymous');
    await only('?action=v1.prune', (r) => r.action === 'v1.prune');
    await only('?node=p1', (r) => r.targets.includes('p1'));
    await only('?outcome=failed', (r) => r.outcome === 'failed');
    await only('?outcome=refused&actor=carol', (r) => r.outcome === 'refused' && r.actor === 'carol');
    expect((await audit('?node=ghost')).items).toEqual([]);

    const middle = all.items[Math.floor(all.items.length / 2)];
    const since = await audit(`?since=${encodeURIComponent(middle.at)}&limit=500`);
    expect(since.items.every((r) => r.at >= middle.at)).toBe(true);
    const until = await audit(`?until=${encodeURIComponent(middle.at)}&limit=500`);
    expect(until.items.every((r) => r.at < middle.at)).toBe(true);
    expect(since.items.length + until.items.length).toBe(all.items.length);

    const first = await audit('?limit=2');
    expect(first.items.map((r) => r.id)).toEqual(all.items.slice(0, 2).map((r) => r.id));
    expect(first.nextBefore).toBe(all.items[1].id);
    const second = await audit(`?limit=2&before=${first.nextBefore}`);
    expect(second.items.map((r) => r.id)).toEqual(all.items.slice(2, 4).map((r) => r.id));
    expect((await t.api('/api/v2/audit?limit=0')).json()).toMatchObject({ code: 'bad_audit_query' });
  });

  it("shows a workgroup's caller only the records of its group and below", async () => {
    const login = await t.api('/api/v2/auth/login', {
      method: 'POST',
      body: { path: '/g1', password: 'g1-secret', name: 'dave' },
      cert: null,
    });
    const { token } = login.json() as { token: string };
    const res = await t.api('/api/v2/audit?limit=500', {
      cert: null,
      headers: { authorization: `Bearer ${token}` },
    });
    const { items } = res.json() as Page;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((r) => r.workgroup === '/g1' || r.workgroup.startsWith('/g1/'))).toBe(true);
    // The root sees them too, with the rest.
    expect((await audit('?limit=500')).items.some((r) => r.workgroup === '/')).toBe(true);
  });
});
