import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTarget, goRequest, type OctopodaAuth } from '../support/go-http';
import { startStack, type OctlResult, type Stack } from '../support/stack';

const NODES = ['n1', 'n2', 'n3'];

/** octl's JSON output (stdout is a pipe here, so octl prints JSON). */
function json(result: OctlResult): unknown {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`octl did not print JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

describe('workgroups over real processes: octl wg and the Octopoda face', () => {
  let stack: Stack;
  const octl = async (...args: string[]) => stack.octl(args);
  const ok = async (...args: string[]) => {
    const result = await octl(...args);
    expect(result.code, `octl ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return json(result);
  };

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
    for (const name of NODES) await stack.waitForNode(name, (n) => n.state === 'online');
  });
  afterAll(() => stack?.stop());

  it('octl wg add, grant, cd, ls, get and rm, with the current path kept client-side', async () => {
    expect(await ok('wg', 'add', '/g1', 'n1', 'n2')).toEqual({
      path: '/g1',
      members: ['n1', 'n2'],
      deleted: [],
    });
    expect(await ok('wg', 'grant', '/g1', 'secret1')).toEqual({ path: '/g1', granted: true });
    const short = await octl('wg', 'grant', '/g1', '12345');
    expect([short.code, short.stderr]).toEqual([2, 'octl: a workgroup password has at least 6 characters\n']);
    expect(await ok('wg', 'ls')).toEqual(['g1']);

    expect(await ok('wg', 'cd', 'g1')).toEqual({ path: '/g1' });
    expect(readFileSync(join(stack.dir, 'octl-current-path.yaml'), 'utf8')).toBe('current: /g1\n');
    expect(await ok('wg', 'pwd')).toEqual({ path: '/g1', root: '/' });
    expect(await ok('wg', 'get')).toEqual(['n1', 'n2']);
    // Every command now acts in /g1: n3 is not there.
    const nodes = (await ok('node', 'get')) as { nodes: { name: string }[] };
    expect(nodes.nodes.map((n) => n.name)).toEqual(['n1', 'n2']);
    const outside = await octl('wg', 'add', '/g2', 'n3');
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('n3');

    expect(await ok('wg', 'cd', '..')).toEqual({ path: '/' });
    const deep = await octl('wg', 'add', '/g1/sub', 'n1');
    expect(deep.code).toBe(1);
    expect(deep.stderr).toContain('is not directly under /');
    expect(await ok('wg', 'add', 'g1', '@g1', 'n3')).toEqual({
      path: '/g1',
      members: ['n1', 'n2', 'n3'],
      deleted: [],
    });
    expect(await ok('wg', 'rm', '/g1', 'n2', 'n3')).toEqual({ path: '/g1', members: ['n1'], deleted: [] });
    expect(await ok('wg', 'get', '/g1')).toEqual(['n1']);
    expect(await ok('wg', 'rm', '/g1')).toEqual({ path: '/g1', members: [], deleted: ['/g1'] });
    expect(await ok('wg', 'ls')).toEqual([]);
    const gone = await octl('wg', 'cd', '/g1');
    expect([gone.code, gone.stderr]).toEqual([1, 'octl: cannot cd to /g1: no such workgroup\n']);
  });

  it('octl gets out of a current group deleted behind its back', async () => {
    await ok('wg', 'add', '/g3', 'n3');
    await ok('wg', 'cd', '/g3');
    await ok('wg', 'rm', '/g3');
    const stuck = await octl('wg', 'get');
    expect(stuck.code).toBe(1);
    expect(await ok('wg', 'cd', '/')).toEqual({ path: '/' });
    expect(await ok('wg', 'get')).toEqual(NODES);
  });

  describe("Octopoda octl's exact requests", () => {
    const root = (): OctopodaAuth => ({ rootpath: '', currentpath: '', password: stack.rootPassword });
    const brain = () => adminTarget(stack);
    /** Octopoda's octl posts workgroup JSON without a Content-Type (Go sets none). */
    const v1 = (method: string, target: string, auth: OctopodaAuth, body?: string) =>
      goRequest(brain(), method, `/api/v1${target}`, { auth, body });
    const answer = async (reply: Promise<{ status: number; body: string }>) => {
      const { status, body } = await reply;
      return [status, body];
    };

    it('manages a group as `wg add`, `wg grant`, `wg ls`, `wg get`, `wg rm` do', async () => {
      const add = '{"Path":"/g2","IsAdd":true,"Members":["n1","n2"]}';
      expect(await answer(v1('POST', '/workgroup/members', root(), add))).toEqual([200, '']);
      expect(
        await answer(v1('POST', '/workgroup/info', root(), '{"Path":"/g2","Password":"12345"}')),
      ).toEqual([400, 'password must longer than 6']);
      expect(
        await answer(v1('POST', '/workgroup/info', root(), '{"Path":"/g2","Password":"secret2"}')),
      ).toEqual([200, '']);
      expect(await answer(v1('GET', '/workgroup/children?path=', root()))).toEqual([200, '["/g2"]']);
      expect(await answer(v1('GET', '/workgroup/members?path=/g2', root()))).toEqual([200, '["n1","n2"]']);
      expect(await answer(v1('GET', '/workgroup/info?path=/g2', root()))).toEqual([
        200,
        '{"Path":"/g2","Password":""}',
      ]);
      expect(await answer(v1('GET', '/workgroup/info?path=/nope', root()))).toEqual([404, 'path not exist']);
      const deep = '{"Path":"/g2/x","IsAdd":true,"Members":["n1"]}';
      expect(await answer(v1('POST', '/workgroup/members', root(), deep))).toEqual([
        401,
        'target path is not directly under rootpath',
      ]);

      // Logged into /g2 (octl.yaml root /g2): its start-up check, then only its members.
      const g2: OctopodaAuth = { rootpath: '/g2', currentpath: '/g2', password: 'secret2' };
      expect((await v1('GET', '/workgroup/info?path=/g2', g2)).status).toBe(200);
      expect((await v1('GET', '/workgroup/info?path=/g2', { ...g2, password: 'secret3' })).status).toBe(401);
      const parse = await goRequest(brain(), 'POST', '/api/v1/nodes/parse', {
        auth: g2,
        body: 'null',
        contentType: 'application/json',
      });
      expect(parse.json()).toEqual({ OutputNames: ['n1', 'n2'], InvalidNames: null, UnhealthyNodes: null });
      expect(await answer(v1('GET', '/workgroup/members?path=', g2))).toEqual([
        401,
        'target path is not under rootpath',
      ]);
      const sub = '{"Path":"/g2/x","IsAdd":true,"Members":["n3"]}';
      expect(await answer(v1('POST', '/workgroup/members', g2, sub))).toEqual([
        400,
        'names is valid or beyond scope',
      ]);

      // `wg rm /g2` sends a nil member list: the group and its subtree go.
      const rm = '{"Path":"/g2","IsAdd":false,"Members":null}';
      expect(await answer(v1('POST', '/workgroup/members', root(), rm))).toEqual([200, '']);
      expect(await answer(v1('GET', '/workgroup/info?path=/g2', root()))).toEqual([404, 'path not exist']);
      expect(await answer(v1('GET', '/workgroup/info?path=/g2', g2))).toEqual([401, '']);
    });
  });
});
