import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTarget, goRequest, type OctopodaAuth } from '../support/go-http';
import { startStack, type OctlResult, type Stack } from '../support/stack';

const MINE = ['g1-a', 'g1-b'];
const OTHER = 'other-1';
const PASSWORD = 'g1-password';

/**
 * Isolation end to end: a user of /g1 (logged in with octl, no client certificate; or Octopoda's octl with /g1's
 * password) sees only /g1's nodes and can run nothing on, nor read anything of, a node outside it.
 */
describe('a /g1 user cannot see or touch nodes outside /g1', () => {
  let stack: Stack;
  let userConfig: string;
  const admin = (...args: string[]) => stack.octl(args);
  const user = (args: string[], input?: string) => stack.octl(args, { config: userConfig, input });
  const ok = async (result: Promise<OctlResult>) => {
    const done = await result;
    expect(done.code, done.stderr).toBe(0);
    return JSON.parse(done.stdout) as unknown;
  };
  const refusedNaming = async (result: Promise<OctlResult>, name: string) => {
    const done = await result;
    expect(done.code).not.toBe(0);
    expect(done.stderr).toContain(name);
  };

  beforeAll(async () => {
    stack = await startStack({ tentacles: [...MINE, OTHER] });
    for (const name of [...MINE, OTHER]) await stack.waitForNode(name, (n) => n.state === 'online');
    expect((await admin('wg', 'add', '/g1', ...MINE)).code).toBe(0);
    expect((await admin('wg', 'grant', '/g1', PASSWORD)).code).toBe(0);
    userConfig = stack.userOctlConfig('g1-user');
    expect((await user(['login', '--path', '/g1', '--password-stdin'], `${PASSWORD}\n`)).code).toBe(0);
  });
  afterAll(() => stack?.stop());

  it('lists only its own nodes, and its group is its root', async () => {
    const nodes = (await ok(user(['node', 'get', '-o', 'json']))) as { nodes: Array<{ name: string }> };
    expect(nodes.nodes.map((n) => n.name)).toEqual(MINE);
    expect(await ok(user(['wg', 'pwd', '-o', 'json']))).toEqual({ path: '/g1', root: '/g1' });
    expect(await ok(user(['wg', 'get', '-o', 'json']))).toEqual(MINE);
    const tasks = (await ok(user(['task', 'ls', '-o', 'json']))) as { items: unknown[] };
    expect(tasks.items).toEqual([]);
  });

  it('cannot run on, read the status of, or add to its group a node outside it', async () => {
    await refusedNaming(user(['cmd', 'run', '-c', 'id', OTHER]), OTHER);
    await refusedNaming(user(['node', 'status', OTHER]), OTHER);
    await refusedNaming(user(['wg', 'add', '/g1/sub', OTHER]), OTHER);
    const fine = (await ok(user(['cmd', 'run', '-o', 'json', '-c', 'echo ok', ...MINE]))) as {
      Success: number;
    };
    expect(fine.Success).toBe(2);
  });

  it("cannot read the root's task on a node outside it", async () => {
    const run = await admin('cmd', 'run', '-o', 'json', '-c', 'echo secret', OTHER);
    expect(run.code, run.stderr).toBe(0);
    const all = (await ok(admin('task', 'ls', '-o', 'json'))) as {
      items: Array<{ id: string; targets: string[] }>;
    };
    const secret = all.items.find((t) => t.targets.includes(OTHER)) as { id: string };
    const mine = (await ok(user(['task', 'ls', '-o', 'json']))) as { items: Array<{ id: string }> };
    expect(mine.items.map((t) => t.id)).not.toContain(secret.id);
    await refusedNaming(user(['task', 'get', secret.id]), secret.id);
    const logs = await user(['task', 'logs', secret.id]);
    expect(logs.code).not.toBe(0);
    expect(logs.stdout).not.toContain('secret');
  });

  it("Octopoda's octl logged into /g1 is held to /g1 as well", async () => {
    const auth: OctopodaAuth = { rootpath: '/g1', currentpath: '/g1', password: PASSWORD };
    const parse = await goRequest(adminTarget(stack), 'POST', '/api/v1/nodes/parse', {
      auth,
      body: JSON.stringify(['@', OTHER]),
      contentType: 'application/json',
    });
    expect(parse.status, parse.body).toBe(200);
    expect(parse.json()).toMatchObject({ OutputNames: expect.arrayContaining(MINE), InvalidNames: [OTHER] });
    const run = await goRequest(adminTarget(stack), 'POST', '/api/v1/run/cmd', {
      auth,
      body: new URLSearchParams({
        command: 'id',
        delayTime: '-1',
        targetNodes: JSON.stringify([OTHER]),
      }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(run.status).toBe(400);
  });
});
