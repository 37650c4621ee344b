import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goRequest } from '../support/go-http';
import { startStack, type Stack } from '../support/stack';

interface OctlNodes {
  brain: { name: string; version: string; addr: string };
  nodes: Array<{
    name: string;
    state: string;
    delay: string;
    online_time?: string;
    offline_time?: string;
    last_active?: string;
  }>;
  total: number;
  online: number;
  offline: number;
}

/** The walking skeleton over real processes: name server, brain, tentacles and octl. */
describe('node lifecycle', () => {
  let stack: Stack;
  const nsQuery = (name: string) =>
    goRequest({ host: stack.bindIp, port: stack.ports.nsHttp }, 'GET', `/query?name=${name}`);
  const octlNodes = async (...args: string[]) => {
    const result = await stack.octl(['node', 'get', '-o', 'json', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as OctlNodes;
  };

  beforeAll(async () => {
    stack = await startStack({
      tentacles: ['lab-1', 'lab-2'],
      brainConfig: { tentacleFace: { activeTimeout: 1.5, recordTimeout: 3 } },
    });
  });
  afterAll(() => stack?.stop());

  it('the brain registers its faces in the name server', async () => {
    for (const face of ['tentacleFace.heartbeat', 'tentacleFace.message', 'octlFace.request']) {
      const res = await nsQuery(`brain.${face}`);
      expect(res.status, face).toBe(200);
      expect((res.json() as { entry: { type: string; value: string } }).entry.type).toBe('addr');
    }
    const gateway = (await nsQuery('brain.tentacleFace.message')).json() as { entry: { value: string } };
    expect(gateway.entry.value).toBe(`${stack.bindIp}:${stack.ports.gateway}`);
  });

  it('tentacles join and show online with a measured delay in octl node get', async () => {
    await stack.waitForNode('lab-1', (n) => n.state === 'online' && n.delayMs !== null);
    await stack.waitForNode('lab-2', (n) => n.state === 'online' && n.delayMs !== null);
    const listed = await octlNodes();
    expect(listed.brain).toMatchObject({ name: 'brain', addr: `127.0.0.1:${stack.ports.api}` });
    expect(listed.nodes.map((n) => [n.name, n.state])).toEqual([
      ['lab-1', 'online'],
      ['lab-2', 'online'],
    ]);
    expect(listed.nodes[0]?.delay).toMatch(/^\d+ms$/);
    expect(listed.nodes[0]?.online_time).toMatch(/^[\dhms.µ]+$/);
    expect({ total: listed.total, online: listed.online, offline: listed.offline }).toEqual({
      total: 2,
      online: 2,
      offline: 0,
    });
  });

  it('octl node status reports host figures in Octopoda text form', async () => {
    const result = await stack.octl(['node', 'status', '-o', 'json', 'lab-1']);
    expect(result.code, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as {
      nodes: Array<Record<string, string | number>>;
      average_cpuload: string;
    };
    expect(status.nodes[0]).toMatchObject({ name: 'lab-1' });
    expect(status.nodes[0]?.memory_usage).toMatch(/^ *\d+\.\d%: \(\d+\.\d\dGB \/ \d+\.\d\dGB\)$/);
    expect(status.average_cpuload).toMatch(/^ *\d+\.\d%$/);
  });

  it('a tentacle whose certificate names another node is refused and never listed', async () => {
    const impostor = await stack.startTentacle('lab-9', { certName: 'lab-1' });
    await impostor.process.waitForLine(/does not match|identity/i, 30_000);
    const node = await stack.api(`/api/v2/nodes/lab-9`);
    expect(node.status).toBe(404);
    expect((await stack.api<{ state: string }>('/api/v2/nodes/lab-1')).body.state).toBe('online');
    await impostor.stop();
  });

  it('killing a tentacle makes it unstable, then offline; restarting brings it back under its name', async () => {
    const victim = stack.tentacles.get('lab-2');
    await victim?.process.kill();
    const unstable = await stack.waitForNode('lab-2', (n) => n.state === 'unstable');
    expect(unstable.connected).toBe(false);
    const offline = await stack.waitForNode('lab-2', (n) => n.state === 'offline');
    expect(offline.offlineAt).not.toBeNull();
    const listed = await octlNodes('-sf', 'off');
    expect(listed.nodes.map((n) => n.name)).toEqual(['lab-2']);
    expect(listed.nodes[0]?.offline_time).toBeDefined();

    const again = await stack.startTentacle('lab-2');
    await again.ready();
    await stack.waitForNode('lab-2', (n) => n.state === 'online');
  });

  it('octl node prune removes an offline node and refuses an online one', async () => {
    await stack.tentacles.get('lab-2')?.process.kill();
    await stack.waitForNode('lab-2', (n) => n.state === 'offline');
    const pruned = await stack.octl(['node', 'prune', 'lab-2']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((await stack.api('/api/v2/nodes/lab-2')).status).toBe(404);
    const refused = await stack.octl(['node', 'prune', 'lab-1']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/lab-1/);
    expect((await stack.api('/api/v2/nodes/lab-1')).status).toBe(200);
  });

  it('name server entries expire once the brain is gone', async () => {
    await stack.brain.stop();
    await waitFor(async () => (await nsQuery('brain.octlFace.request')).status === 400, {
      timeoutMs: 20_000,
      what: 'entry expiry',
    });
    expect((await nsQuery('brain.octlFace.request')).json()).toEqual({ msg: 'redis: nil' });
  });
});
