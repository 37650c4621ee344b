import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type ApiOptions, type TestBrain } from '../../../test/brain-harness';

const NODES = ['n1', 'n2', 'n3', 'n4'];

/** Octopoda's /api/v1 workgroup routes and header authentication, with Octopoda's exact codes and texts. */
describe('workgroups on /api/v1 (real HTTPS, Postgres)', () => {
  let t: TestBrain;
  const rootAuth = { rootpath: '', currentpath: '', password: ROOT_PASSWORD };

  const v1 = (path: string, auth: Record<string, string> = rootAuth, options: ApiOptions = {}) =>
    t.api(`/api/v1${path}`, { ...options, headers: { ...auth, ...options.headers } });
  /** As Octopoda's octl posts these: JSON text with no content type. */
  const post = (path: string, body: unknown, auth: Record<string, string> = rootAuth) =>
    v1(path, auth, {
      method: 'POST',
      rawBody: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': '' },
    });
  const answer = async (res: Promise<{ status: number; text: string }>) => {
    const { status, text } = await res;
    return [status, text];
  };
  const members = (path: string, auth = rootAuth) =>
    v1(`/workgroup/members?path=${path}`, auth).then((r) => r.json() as string[]);
  const add = (path: string, names: string[], auth = rootAuth) =>
    answer(post('/workgroup/members', { Path: path, IsAdd: true, Members: names }, auth));
  const remove = (path: string, names: string[] | null, auth = rootAuth) =>
    answer(post('/workgroup/members', { Path: path, IsAdd: false, Members: names }, auth));
  const grant = (path: string, password: string, auth = rootAuth) =>
    answer(post('/workgroup/info', { Path: path, Password: password }, auth));

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of NODES) t.pki.client(name);
    await Promise.all(NODES.map((name) => t.tentacle(name).join()));
    await waitFor(async () => ((await members('')) ?? []).length === NODES.length);
  });
  afterAll(() => t?.stop());

  it('the root group holds every node and has no parent to be granted from', async () => {
    expect(await members('')).toEqual(NODES);
    expect(await members('/')).toEqual(NODES);
    expect(await answer(v1('/workgroup/children?path='))).toEqual([200, '[]']);
    expect(await grant('', 'new-root-password')).toEqual([401, 'target path is not directly under rootpath']);
  });

  it('add creates the group without a password: nobody can log into it until it is granted', async () => {
    expect(await add('/lab', ['n1', 'n2'])).toEqual([200, '']);
    expect(await members('/lab')).toEqual(['n1', 'n2']);
    const info = await v1('/workgroup/info?path=/lab');
    expect([info.status, info.json()]).toEqual([200, { Path: '/lab', Password: '' }]);
    for (const password of ['', 'anything']) {
      const login = await v1('/workgroup/info?path=/lab', {
        rootpath: '/lab',
        currentpath: '/lab',
        password,
      });
      expect([login.status, login.text]).toEqual([401, '']);
    }
    expect(await grant('/lab', 'lab-secret')).toEqual([200, '']);
    const labAuth = { rootpath: '/lab', currentpath: '/lab', password: 'lab-secret' };
    expect((await v1('/workgroup/info?path=/lab', labAuth)).status).toBe(200);
    expect((await v1('/workgroup/info?path=/lab', { ...labAuth, password: 'lab-secreT' })).status).toBe(401);
    // The grant never hands the password (or its hash) back.
    expect((await v1('/workgroup/info?path=/lab', labAuth)).text).not.toContain('lab-secret');
  });

  it('grant: at least 6 characters, a direct child of the root path, an existing group', async () => {
    await add('/pw', ['n1']);
    expect(await grant('/pw', '12345')).toEqual([400, 'password must longer than 6']);
    expect(await grant('/pw', '123456')).toEqual([200, '']);
    expect(await grant('/pw/', '1234567')).toEqual([200, '']);
    expect(await grant('/nothing', '123456')).toEqual([500, 'internal error: granted path is not exist']);
    expect(await answer(post('/workgroup/info', '{"Path": 1}'))).toEqual([400, 'invalid grant info']);
    expect(await answer(post('/workgroup/info', 'not json'))).toEqual([400, 'invalid grant info']);
    await add('/pw/sub', ['n1']).then((r) => expect(r[0]).toBe(401));
    const pwAuth = { rootpath: '/pw', currentpath: '/pw', password: '1234567' };
    expect(await add('/pw/sub', ['n1'], pwAuth)).toEqual([200, '']);
    expect(await grant('/pw/sub', 'sub-secret')).toEqual([401, 'target path is not directly under rootpath']);
    expect(await grant('/pw/sub', 'sub-secret', pwAuth)).toEqual([200, '']);
  });

  it('members: only direct children of the root path, never empty, only nodes in scope', async () => {
    expect(await add('/a/b', ['n1'])).toEqual([401, 'target path is not directly under rootpath']);
    expect(await add('/a', [])).toEqual([400, 'add empty members is not allows']);
    expect(await add('/a', ['ghost'])).toEqual([400, 'names is valid or beyond scope']);
    expect(await remove('/a', ['n1'])).toEqual([400, 'names is valid or beyond scope']);
    expect(await answer(post('/workgroup/members', '{"Path":"/a","IsAdd":"yes"}'))).toEqual([
      400,
      'invalid operation params',
    ]);
    expect(await answer(v1('/workgroup/members?path=/a'))).toEqual([404, 'path not exist']);
    expect(await answer(v1('/workgroup/children?path=/a'))).toEqual([404, 'path not exist']);
    // A caller whose current group is /lab (n1, n2) cannot add n3 anywhere.
    const inLab = { ...rootAuth, currentpath: '/lab' };
    expect(await add('/a', ['n1', 'n3'], inLab)).toEqual([400, 'names is valid or beyond scope']);
    expect(await add('/a', ['n1'], inLab)).toEqual([200, '']);
    expect(await members('/a')).toEqual(['n1']);
  });

  it('paths outside the root path are refused with 401 and a text', async () => {
    const labAuth = { rootpath: '/lab', currentpath: '/lab', password: 'lab-secret' };
    for (const route of ['info', 'children', 'members']) {
      expect(await answer(v1(`/workgroup/${route}?path=/a`, labAuth))).toEqual([
        401,
        'target path is not under rootpath',
      ]);
      expect(await answer(v1(`/workgroup/${route}?path=`, labAuth))).toEqual([
        401,
        'target path is not under rootpath',
      ]);
    }
    expect(await add('/a', ['n1'], labAuth)).toEqual([401, 'target path is not directly under rootpath']);
  });

  it('removal cascades to every descendant; a group left empty goes with its subtree', async () => {
    expect(await add('/t', ['n1', 'n2', 'n3'])).toEqual([200, '']);
    await grant('/t', 't-secret');
    const tAuth = { rootpath: '/t', currentpath: '/t', password: 't-secret' };
    await add('/t/x', ['n1', 'n2'], tAuth);
    await add('/t/y', ['n1'], tAuth);
    await grant('/t/x', 'x-secret', tAuth);
    const xAuth = { rootpath: '/t/x', currentpath: '/t/x', password: 'x-secret' };
    await add('/t/x/deep', ['n2'], xAuth);
    expect(await v1('/workgroup/children?path=/t/').then((r) => r.json())).toEqual(['/t/x', '/t/y']);

    expect(await remove('/t', ['n1'])).toEqual([200, '']);
    expect(await members('/t')).toEqual(['n2', 'n3']);
    expect(await members('/t/x')).toEqual(['n2']);
    expect(await answer(v1('/workgroup/members?path=/t/y'))).toEqual([404, 'path not exist']);
    expect(await members('/t/x/deep')).toEqual(['n2']);

    expect(await remove('/t', ['n2'])).toEqual([200, '']);
    expect(await answer(v1('/workgroup/info?path=/t/x'))).toEqual([404, 'path not exist']);
    expect(await answer(v1('/workgroup/info?path=/t/x/deep'))).toEqual([404, 'path not exist']);
    expect(await v1('/workgroup/children?path=/t').then((r) => r.json())).toEqual([]);
    // The deleted group's password no longer opens anything.
    expect((await v1('/workgroup/info?path=/t/x', xAuth)).status).toBe(401);

    expect(await remove('/t', ['n3'])).toEqual([200, '']);
    expect(await answer(v1('/workgroup/info?path=/t'))).toEqual([404, 'path not exist']);
    expect((await v1('/workgroup/info?path=/t', tAuth)).status).toBe(401);
  });

  it("removing no names deletes the group and its subtree (Octopoda's `wg rm <path>`)", async () => {
    await add('/gone', ['n1']);
    await grant('/gone', 'gone-secret');
    await add('/gone/child', ['n1'], { rootpath: '/gone', currentpath: '/gone', password: 'gone-secret' });
    expect(await remove('/gone', null)).toEqual([200, '']);
    expect(await answer(v1('/workgroup/info?path=/gone/child'))).toEqual([404, 'path not exist']);
    expect(await remove('/never-was', [])).toEqual([200, '']);
  });

  it('"sudo" (root path and Path both ""): the root\'s own members, which are the nodes', async () => {
    await add('/s1', ['n4']);
    await add('/s2', ['n3', 'n4']);
    expect(await add('', ['n1'])).toEqual([200, '']);
    expect(await add('', ['ghost'])).toEqual([400, 'names is valid or beyond scope']);
    expect(await remove('', ['ghost'])).toEqual([400, 'names is valid or beyond scope']);
    // Leaving the root group means leaving every group; the node itself stays until pruned.
    expect(await remove('', ['n4'])).toEqual([200, '']);
    expect(await answer(v1('/workgroup/info?path=/s1'))).toEqual([404, 'path not exist']);
    expect(await members('/s2')).toEqual(['n3']);
    expect(await members('')).toEqual(NODES);
    // Only for the root itself: a sub-group caller naming "" is not at a direct child.
    const s2 = { rootpath: '/s2', currentpath: '/s2', password: 's2-secret' };
    await grant('/s2', s2.password);
    expect(await add('', ['n3'], s2)).toEqual([401, 'target path is not directly under rootpath']);
  });

  it('authenticates a sub-group by its headers: current path at or under it, existing, with members', async () => {
    await add('/auth', ['n1', 'n2']);
    await grant('/auth', 'auth-secret');
    const good = { rootpath: '/auth/', currentpath: '/auth', password: 'auth-secret' };
    await add('/auth/one', ['n2'], good);
    const ok = (headers: Record<string, string>) => v1('/workgroup/info?path=/auth', headers);
    expect((await ok(good)).status).toBe(200);
    expect((await ok({ ...good, currentpath: '/auth/one' })).status).toBe(200);
    for (const bad of [
      { ...good, currentpath: '/auth/none' }, // no such group
      { ...good, currentpath: '' }, // above the root path
      { ...good, currentpath: '/lab' }, // beside it
      { ...good, rootpath: '/auth/one', currentpath: '/auth/one' }, // never granted
      { ...good, password: '' },
    ]) {
      const res = await ok(bad);
      expect([res.status, res.text], JSON.stringify(bad)).toEqual([401, '']);
    }
  });

  it('a sub-group caller sees only its members in /nodes/parse and /nodes/info', async () => {
    await add('/iso', ['n3', 'n4']);
    await grant('/iso', 'iso-secret');
    const iso = { rootpath: '/iso', currentpath: '/iso', password: 'iso-secret' };
    const parse = (names: unknown, auth = iso) =>
      v1('/nodes/parse', auth, { method: 'POST', body: names }).then((r) => r.json());
    expect(await parse(null)).toEqual({
      OutputNames: ['n3', 'n4'],
      InvalidNames: null,
      UnhealthyNodes: null,
    });
    expect(await parse(['n1', 'n3'])).toEqual({
      OutputNames: ['n3'],
      InvalidNames: ['n1'],
      UnhealthyNodes: null,
    });
    const info = await v1(`/nodes/info?targetNodes=${encodeURIComponent('["n3","n4"]')}`, iso);
    expect(info.status).toBe(200);
    expect((info.json() as { InfoList: { Name: string }[] }).InfoList.map((n) => n.Name)).toEqual([
      'n3',
      'n4',
    ]);
    const outside = await v1(`/nodes/info?targetNodes=${encodeURIComponent('["n3","n1"]')}`, iso);
    expect([outside.status, outside.text]).toEqual([400, '{}']);
    // @group references are relative to the current path.
    await add('/iso/four', ['n4'], iso);
    expect(await parse(['@four'])).toMatchObject({ OutputNames: ['n4'], InvalidNames: null });
    expect(await parse(['@iso/four'], rootAuth)).toMatchObject({ OutputNames: ['n4'], InvalidNames: null });
    expect(await parse(['@lab'])).toMatchObject({ OutputNames: null, InvalidNames: ['@lab'] });
  });

  it('a pruned node leaves every group; a group it leaves empty is deleted', async () => {
    t.pki.client('gone-node');
    const node = t.tentacle('gone-node');
    await node.join();
    await waitFor(async () => (await members('')).includes('gone-node'));
    await add('/solo', ['gone-node']);
    await add('/pair', ['gone-node', 'n1']);
    await node.close();
    await waitFor(async () => {
      const res = await t.api('/api/v2/nodes/gone-node');
      return (res.json() as { state?: string }).state === 'offline';
    });
    expect((await t.api('/api/v2/nodes/gone-node', { method: 'DELETE' })).status).toBe(204);
    expect(await members('/pair')).toEqual(['n1']);
    expect(await answer(v1('/workgroup/info?path=/solo'))).toEqual([404, 'path not exist']);
    expect(await members('')).toEqual(NODES);
  });
});
