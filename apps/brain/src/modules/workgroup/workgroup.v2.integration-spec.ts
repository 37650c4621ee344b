import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type ApiOptions, type TestBrain } from '../../../test/brain-harness';

const NODES = ['n1', 'n2', 'n3'];

/** /api/v2/workgroups: the same rules as Octopoda's face, with {code, message} errors. */
describe('workgroups on /api/v2 (real HTTPS, Postgres)', () => {
  let t: TestBrain;

  const call = (path: string, options: ApiOptions = {}) => t.api(`/api/v2${path}`, options);
  const result = async (path: string, options: ApiOptions = {}) => {
    const res = await call(path, options);
    return [res.status, res.text ? res.json() : undefined];
  };
  const change = (path: string, action: string, members: unknown, options: ApiOptions = {}) =>
    result('/workgroups/members', { method: 'POST', body: { path, action, members }, ...options });
  const grant = (path: string, password: string, options: ApiOptions = {}) =>
    result('/workgroups/grant', { method: 'POST', body: { path, password }, ...options });
  const error = (code: string) => expect.objectContaining({ code, message: expect.any(String) });

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of NODES) t.pki.client(name);
    await Promise.all(NODES.map((name) => t.tentacle(name).join()));
    await waitFor(
      async () => ((await call('/nodes')).json() as { nodes?: unknown[] }).nodes?.length === NODES.length,
    );
  });
  afterAll(() => t?.stop());

  it('shows a group with its children, members and whether it can be logged into', async () => {
    expect(await result('/workgroups?path=/')).toEqual([
      200,
      { path: '', children: [], members: NODES, hasPassword: true },
    ]);
    expect(await change('/g1', 'add', ['n1', 'n2'])).toEqual([
      200,
      { path: '/g1', members: ['n1', 'n2'], deleted: [] },
    ]);
    expect(await result('/workgroups?path=/g1')).toEqual([
      200,
      { path: '/g1', children: [], members: ['n1', 'n2'], hasPassword: false },
    ]);
    expect(await result('/workgroups')).toEqual([
      200,
      expect.objectContaining({ path: '', children: ['/g1'] }),
    ]);
    expect(await result('/workgroups?path=/nope')).toEqual([404, error('workgroup_not_found')]);
  });

  it('refuses what Octopoda refuses, with stable codes', async () => {
    expect(await change('/g1/sub', 'add', ['n1'])).toEqual([403, error('workgroup_not_direct_child')]);
    expect(await change('/g1', 'add', [])).toEqual([400, error('workgroup_members_empty')]);
    expect(await change('/g1', 'remove', [])).toEqual([400, error('workgroup_members_empty')]);
    expect(await change('/g1', 'add', ['ghost'])).toEqual([422, error('workgroup_members_invalid')]);
    expect(await change('/g1', 'remove', ['n3'])).toEqual([422, error('workgroup_members_invalid')]);
    expect(await change('/g 1', 'add', ['n1'])).toEqual([400, error('workgroup_bad_path')]);
    expect(await change('/g1', 'move', ['n1'])).toEqual([400, error('bad_request')]);
    expect(await change('/g1', 'add', 'n1')).toEqual([400, error('bad_request')]);
    expect(await grant('/g1', 'short')).toEqual([400, error('workgroup_password_too_short')]);
    expect(await grant('/nope', 'long-enough')).toEqual([404, error('workgroup_not_found')]);
    expect(await result('/workgroups?path=/nope', { method: 'DELETE' })).toEqual([
      404,
      error('workgroup_not_found'),
    ]);
    expect(await result('/workgroups', { method: 'DELETE' })).toEqual([400, error('bad_request')]);
  });

  it('takes the members a caller may add from its current group (x-workgroup-path)', async () => {
    const inG1 = { headers: { 'x-workgroup-path': '/g1' } };
    expect(await change('/g2', 'add', ['n3'], inG1)).toEqual([422, error('workgroup_members_invalid')]);
    expect(await change('/g2', 'add', ['n2'], inG1)).toEqual([
      200,
      expect.objectContaining({ members: ['n2'] }),
    ]);
    expect(await result('/workgroups', inG1)).toEqual([200, expect.objectContaining({ path: '/g1' })]);
  });

  it('a caller logged into a group changes only its direct children', async () => {
    expect(await grant('/g1', 'g1-secret')).toEqual([204, undefined]);
    const login = await call('/auth/login', {
      method: 'POST',
      cert: null,
      body: { path: '/g1', password: 'g1-secret' },
    });
    expect(login.status).toBe(201);
    const asG1 = {
      cert: null,
      headers: { authorization: `Bearer ${(login.json() as { token: string }).token}` },
    };
    expect(await change('/g1/sub', 'add', ['n1'], asG1)).toEqual([
      200,
      { path: '/g1/sub', members: ['n1'], deleted: [] },
    ]);
    expect(await change('/g3', 'add', ['n1'], asG1)).toEqual([403, error('workgroup_not_direct_child')]);
    expect(await change('/g1/sub', 'add', ['n3'], asG1)).toEqual([422, error('workgroup_members_invalid')]);
    expect(await result('/workgroups?path=/g2', asG1)).toEqual([403, error('workgroup_not_under_root')]);
    expect(await grant('/g1', 'other-secret', asG1)).toEqual([403, error('workgroup_not_direct_child')]);
    expect(await grant('/g1/sub', 'sub-secret', asG1)).toEqual([204, undefined]);
    expect(await result('/workgroups?path=/g1/sub', asG1)).toEqual([
      200,
      { path: '/g1/sub', children: [], members: ['n1'], hasPassword: true },
    ]);
  });

  it('removal cascades; a group left empty, or deleted, goes with its subtree', async () => {
    expect(await change('/g1', 'remove', ['n1'])).toEqual([
      200,
      { path: '/g1', members: ['n2'], deleted: ['/g1/sub'] },
    ]);
    expect(await change('/g1', 'remove', ['n2'])).toEqual([
      200,
      { path: '/g1', members: [], deleted: ['/g1'] },
    ]);
    expect(await change('/g4', 'add', ['n1'])).toEqual([200, expect.anything()]);
    expect(await result('/workgroups?path=/g4', { method: 'DELETE' })).toEqual([
      200,
      { path: '/g4', members: [], deleted: ['/g4'] },
    ]);
    expect(await result('/workgroups?path=/')).toEqual([200, expect.objectContaining({ children: ['/g2'] })]);
  });

  it('names the nodes of a membership change in the audit trail', async () => {
    await change('/g5', 'add', ['n1', 'n2']);
    await waitFor(async () => {
      const res = await call('/audit?action=changeWorkgroupMembers&node=n2');
      const items = (res.json() as { items?: { targets: string[] }[] }).items ?? [];
      return items.some((record) => record.targets.join() === 'n1,n2');
    });
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await t.api('/api/docs-json', { cert: null })).json() as { paths: Record<string, object> };
    expect(Object.keys(doc.paths['/api/v2/workgroups'] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(doc.paths['/api/v2/workgroups/members']).toHaveProperty('post');
    expect(doc.paths['/api/v2/workgroups/grant']).toHaveProperty('post');
  });
});
