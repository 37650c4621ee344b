import { makeTempDir, makeTestPki } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goRequest, type OctopodaAuth } from '../support/go-http';
import { startStack, type Stack } from '../support/stack';

/**
 * Contract tests: requests byte-for-byte as Octopoda's octl and SDKs send them (reference spec §2, §3, §4, §15),
 * answers checked field by field against what Octopoda's Go structs decode.
 */
describe('Octopoda /api/v1 face: nodes, workgroup auth, name server', () => {
  let stack: Stack;
  let auth: OctopodaAuth;
  const brain = () => ({
    host: '127.0.0.1',
    port: stack.ports.api,
    tls: {
      caPath: stack.pki.caPath,
      certPath: `${stack.pki.dir}/admin.pem`,
      keyPath: `${stack.pki.dir}/admin.key`,
    },
  });
  const v1 = (
    method: string,
    target: string,
    options: { body?: string; contentType?: string; auth?: OctopodaAuth } = {},
  ) => goRequest(brain(), method, `/api/v1${target}`, { auth, ...options });

  beforeAll(async () => {
    stack = await startStack({
      tentacles: ['pi-1', 'pi-2'],
      brainConfig: { tentacleFace: { activeTimeout: 1, recordTimeout: 3 } },
    });
    // octl with an empty root: rootpath "" (printed "/"), currentpath "".
    auth = { rootpath: '', currentpath: '', password: stack.rootPassword };
    await stack.waitForNode('pi-1', (n) => n.state === 'online' && n.delayMs !== null);
    await stack.waitForNode('pi-2', (n) => n.state === 'online');
  });
  afterAll(() => stack?.stop());

  it('name server: /ping and /query over plain HTTP resolve the brain as octl does', async () => {
    const ns = { host: stack.bindIp, port: stack.ports.nsHttp };
    const ping = await goRequest(ns, 'GET', '/ping');
    expect(ping.status).toBe(200);
    expect(ping.body).toBe('');
    const query = await goRequest(ns, 'GET', '/query?name=brain.octlFace.request');
    expect(query.status).toBe(200);
    expect(query.json()).toEqual({
      msg: 'OK',
      entry: {
        key: 'brain.octlFace.request',
        type: 'addr',
        value: `127.0.0.1:${stack.ports.api}`,
        description: expect.any(String),
        ttl: expect.any(Number),
      },
    });
    const missing = await goRequest(ns, 'GET', '/query?name=nobrain.octlFace.request');
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ msg: 'redis: nil' });
  });

  it('GET /workgroup/info authenticates the root group like octl start-up', async () => {
    const res = await v1('GET', '/workgroup/info?path=');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ Path: '', Password: '' });
  });

  it('a wrong workgroup password gets 401 with an empty body on every route', async () => {
    for (const target of [
      '/workgroup/info?path=',
      '/node/info?name=pi-1',
      '/nodes/info?targetNodes=["pi-1"]',
    ]) {
      const res = await v1('GET', target, { auth: { ...auth, password: 'not-the-password' } });
      expect(res.status, target).toBe(401);
      expect(res.body, target).toBe('');
    }
    const parse = await v1('POST', '/nodes/parse', {
      body: '["@"]',
      contentType: 'application/json',
      auth: { ...auth, password: '' },
    });
    expect(parse.status).toBe(401);
  });

  it('refuses a client without a certificate, or with one from another CA', async () => {
    const bare = await goRequest(
      { ...brain(), tls: { caPath: stack.pki.caPath } },
      'GET',
      '/api/v1/workgroup/info?path=',
      { auth },
    );
    expect(bare.status).toBe(401);
    const other = makeTempDir();
    const foreign = makeTestPki(other.path, 'Foreign CA').admin();
    const wrongCa = await goRequest(
      { ...brain(), tls: { caPath: stack.pki.caPath, certPath: foreign.certPath, keyPath: foreign.keyPath } },
      'GET',
      '/api/v1/workgroup/info?path=',
      { auth },
    );
    expect(wrongCa.status).toBe(401);
    other.remove();
  });

  it('POST /nodes/parse expands @ and splits names like Octopoda (nil lists are null)', async () => {
    const all = await v1('POST', '/nodes/parse', { body: '["@"]', contentType: 'application/json' });
    expect(all.status).toBe(200);
    const body = all.json() as { OutputNames: string[]; InvalidNames: null; UnhealthyNodes: null };
    expect([...body.OutputNames].sort()).toEqual(['pi-1', 'pi-2']);
    expect(body.InvalidNames).toBeNull();
    expect(body.UnhealthyNodes).toBeNull();
    const bad = await v1('POST', '/nodes/parse', {
      body: '["pi-1","ghost","@nogroup","pi-1"]',
      contentType: 'application/json',
    });
    const parsed = bad.json() as { OutputNames: string[]; InvalidNames: string[]; UnhealthyNodes: null };
    expect(parsed.OutputNames).toEqual(['pi-1']);
    expect([...parsed.InvalidNames].sort()).toEqual(['@nogroup', 'ghost']);
    const empty = await v1('POST', '/nodes/parse', { body: '[]', contentType: 'application/json' });
    expect(((empty.json() as { OutputNames: string[] }).OutputNames ?? []).length).toBe(2);
    // `octl node get` with no names sends a nil Go slice: the JSON text null.
    const nil = await v1('POST', '/nodes/parse', { body: 'null', contentType: 'application/json' });
    expect([...((nil.json() as { OutputNames: string[] }).OutputNames ?? [])].sort()).toEqual([
      'pi-1',
      'pi-2',
    ]);
    const broken = await v1('POST', '/nodes/parse', { body: '{"a":1}', contentType: 'application/json' });
    expect(broken.status).toBe(400);
  });

  it('GET /nodes/info with a raw JSON array in the query answers NodesInfo', async () => {
    const before = Date.now();
    const res = await v1('GET', '/nodes/info?targetNodes=["pi-1","pi-2"]');
    expect(res.status).toBe(200);
    const body = res.json() as {
      BrainName: string;
      BrainVersion: string;
      BrainAddr: string;
      InfoList: Array<Record<string, unknown>>;
    };
    expect(Object.keys(body)).toEqual(['BrainName', 'BrainVersion', 'BrainAddr', 'InfoList']);
    expect(body.BrainName).toBe('brain');
    expect(body.BrainAddr).toBe('127.0.0.1');
    expect(body.InfoList.map((n) => n.Name)).toEqual(['pi-1', 'pi-2']);
    const info = body.InfoList[0] as Record<string, number | string>;
    expect(Object.keys(info)).toEqual([
      'Name',
      'Version',
      'Addr',
      'State',
      'ConnState',
      'Delay',
      'OnlineTs',
      'OfflineTs',
      'ActiveTs',
      'BrainTs',
    ]);
    expect(info).toMatchObject({ State: 0, ConnState: 0, OfflineTs: 0 });
    expect(Number.isInteger(info.Delay)).toBe(true);
    expect(info.OnlineTs as number).toBeLessThanOrEqual(before);
    expect(info.ActiveTs as number).toBeGreaterThan((info.OnlineTs as number) - 1);
    expect(Math.abs((info.BrainTs as number) - before / 1000)).toBeLessThan(30);
  });

  it('GET /nodes/info refuses unknown names and malformed lists with 400 {}', async () => {
    const unknown = await v1('GET', '/nodes/info?targetNodes=["pi-1","ghost"]');
    expect([unknown.status, unknown.body]).toEqual([400, '{}']);
    const malformed = await v1('GET', '/nodes/info?targetNodes=pi-1');
    expect([malformed.status, malformed.body]).toEqual([400, '{}']);
  });

  it('GET /node/info answers one NodeInfo or 404 {}', async () => {
    const res = await v1('GET', '/node/info?name=pi-2');
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ Name: 'pi-2', State: 0, ConnState: 0 });
    const missing = await v1('GET', '/node/info?name=ghost');
    expect([missing.status, missing.body]).toEqual([404, '{}']);
  });

  it('GET /node/status and /nodes/status answer Octopoda Status objects (brain through /node/status)', async () => {
    const one = await v1('GET', '/node/status?name=pi-1');
    expect(one.status).toBe(200);
    const status = one.json() as Record<string, unknown>;
    expect(Object.keys(status)).toEqual([
      'Name',
      'Platform',
      'CpuCores',
      'LocalTime',
      'CpuLoadShort',
      'CpuLoadLong',
      'MemUsed',
      'MemTotal',
      'DiskUsed',
      'DiskTotal',
    ]);
    expect(status.Name).toBe('pi-1');
    expect(status.LocalTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    expect(status.MemTotal as number).toBeGreaterThan(status.MemUsed as number);
    const brainStatus = await v1('GET', '/node/status?name=brain');
    expect(brainStatus.status).toBe(200);
    expect((brainStatus.json() as { CpuCores: number }).CpuCores).toBeGreaterThan(0);
    expect((await v1('GET', '/node/status?name=ghost')).status).toBe(404);

    const many = await v1('GET', '/nodes/status?targetNodes=["pi-1","pi-2"]');
    expect(many.status).toBe(200);
    const list = (many.json() as { StatusList: Array<{ Name: string }> }).StatusList.map(
      (s) => s.Name,
    ).sort();
    expect(list).toEqual(['pi-1', 'pi-2']);
    // As in Octopoda, `brain` is no member of any group: only /node/status answers for it.
    const withBrain = await v1('GET', '/nodes/status?targetNodes=["pi-1","brain"]');
    expect([withBrain.status, withBrain.body]).toEqual([
      400,
      'ERROR: some nodes are invalid or out of scope.',
    ]);
    const outOfScope = await v1('GET', '/nodes/status?targetNodes=["ghost"]');
    expect([outOfScope.status, outOfScope.body]).toEqual([
      400,
      'ERROR: some nodes are invalid or out of scope.',
    ]);
  });

  it('a stopped node turns unstable (State 1) then offline (State 2, ConnState 1), and prune removes it', async () => {
    await stack.tentacles.get('pi-2')?.process.kill();
    await stack.waitForNode('pi-2', (n) => n.state === 'unstable');
    const unstable = (await v1('GET', '/node/info?name=pi-2')).json() as {
      State: number;
      ConnState: number;
      OfflineTs: number;
    };
    expect(unstable).toMatchObject({ State: 1, ConnState: 1 });
    expect(unstable.OfflineTs).toBeGreaterThan(0);
    await stack.waitForNode('pi-2', (n) => n.state === 'offline');
    expect((await v1('GET', '/node/info?name=pi-2')).json()).toMatchObject({ State: 2, ConnState: 1 });
    const healthyOnly = await v1('POST', '/nodes/parse', {
      body: '["pi-1","pi-2"]',
      contentType: 'application/json',
    });
    expect(healthyOnly.json()).toMatchObject({
      OutputNames: ['pi-1'],
      UnhealthyNodes: ['pi-2'],
      InvalidNames: null,
    });

    const prune = await v1('GET', '/node/prune?targetNodes=["pi-1","pi-2"]');
    expect([prune.status, prune.body]).toEqual([200, '']);
    expect((await v1('GET', '/node/info?name=pi-2')).status).toBe(404);
    expect((await v1('GET', '/node/info?name=pi-1')).status).toBe(200); // online nodes are never pruned
  });
});
