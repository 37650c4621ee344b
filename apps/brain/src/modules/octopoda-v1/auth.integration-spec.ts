import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';

describe('API access (real HTTPS)', () => {
  let t: TestBrain;
  const root = { rootpath: '/', currentpath: '/', password: ROOT_PASSWORD };

  beforeAll(async () => {
    t = await startTestBrain();
    t.pki.client('p1');
    await t.tentacle('p1').join();
    await waitFor(async () => (await t.api('/api/v2/nodes/p1')).status === 200);
  });
  afterAll(() => t.stop());

  it('answers /api/v1 with the right certificate and password', async () => {
    const res = await t.api('/api/v1/workgroup/info?path=', { headers: root });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ Path: '', Password: '' });
  });

  it.each([
    ['no password header', { rootpath: '', currentpath: '' }],
    ['a wrong password', { ...root, password: 'wrong-password' }],
    ['a current path outside the root path', { rootpath: '/a', currentpath: '/b', password: ROOT_PASSWORD }],
    [
      'a root group that does not exist',
      { rootpath: '/nope', currentpath: '/nope', password: ROOT_PASSWORD },
    ],
    ['a current group with no members', { rootpath: '', currentpath: '/empty', password: ROOT_PASSWORD }],
  ])('answers /api/v1 with 401 and an empty body for %s', async (_what, headers) => {
    const res = await t.api('/api/v1/node/info?name=p1', { headers });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
  });

  it('refuses /api/v1 without a client certificate, even with the password', async () => {
    const res = await t.api('/api/v1/node/info?name=p1', { headers: root, cert: null });
    expect(res.status).toBe(401);
  });

  it('refuses the root password as a bearer secret on /api/v2 (API tokens replaced it)', async () => {
    const old = await t.api('/api/v2/nodes/p1', {
      cert: null,
      headers: { authorization: `Bearer ${ROOT_PASSWORD}` },
    });
    expect(old.status).toBe(401);
    expect(old.json()).toMatchObject({ statusCode: 401, code: 'token_unknown' });
    const none = await t.api('/api/v2/nodes', { cert: null });
    expect(none.json()).toMatchObject({ statusCode: 401, code: 'unauthorized' });
  });

  it('serves health and the OpenAPI document without credentials', async () => {
    expect((await t.api('/healthz', { cert: null })).json()).toEqual({ status: 'ok' });
    const doc = (await t.api('/api/docs-json', { cert: null })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v2/nodes', '/api/v2/nodes/{name}/status']),
    );
  });

  it('answers unknown v2 nodes with a stable error code', async () => {
    const res = await t.api('/api/v2/nodes/ghost');
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, code: 'node_not_found', message: 'no node named "ghost"' });
    const prune = await t.api('/api/v2/nodes/p1', { method: 'DELETE' });
    expect(prune.status).toBe(409);
    expect(prune.json()).toMatchObject({ code: 'node_not_offline' });
  });

  it("accepts Octopoda octl's `null` name list and splits names like Octopoda", async () => {
    const headers = { ...root, 'content-type': 'application/json' };
    const parse = (body: string) =>
      t
        .api('/api/v1/nodes/parse', { method: 'POST', headers, rawBody: body })
        .then((r) => [r.status, r.json()]);
    expect(await parse('null')).toEqual([
      200,
      { OutputNames: ['p1'], InvalidNames: null, UnhealthyNodes: null },
    ]);
    expect(await parse('[""]')).toEqual([
      200,
      { OutputNames: null, InvalidNames: null, UnhealthyNodes: null },
    ]);
    expect(await parse('["ALL"]')).toEqual([
      200,
      { OutputNames: null, InvalidNames: ['ALL'], UnhealthyNodes: null },
    ]);
    expect((await parse('{"a":1}'))[0]).toBe(400);
  });

  it('takes the first of repeated query values, and keeps brain out of /nodes/status', async () => {
    const info = await t.api('/api/v1/node/info?name=p1&name=zz', { headers: root });
    expect(info.status).toBe(200);
    const status = await t.api(`/api/v1/nodes/status?targetNodes=${encodeURIComponent('["p1","brain"]')}`, {
      headers: root,
    });
    expect([status.status, status.text]).toEqual([400, 'ERROR: some nodes are invalid or out of scope.']);
  });

  it('resolves targets into online, unhealthy and unknown', async () => {
    const res = await t.api('/api/v2/nodes/resolve', {
      method: 'POST',
      body: { targets: ['p1', 'ghost', '@lab'] },
    });
    expect(res.json()).toEqual({ online: ['p1'], unhealthy: [], unknown: ['@lab', 'ghost'] });
    const bad = await t.api('/api/v2/nodes/resolve', { method: 'POST', body: { targets: 'p1' } });
    expect(bad.status).toBe(400);
  });
});
