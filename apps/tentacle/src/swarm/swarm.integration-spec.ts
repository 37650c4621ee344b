import { CloseCode } from '@octopod/protocol';
import { makeTempDir, makeTestPki, waitFor } from '@octopod/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBrain } from '../testing/fake-brain';
import { FakeNameServer } from '../testing/fake-name-server';
import { startSwarm } from './swarm';

let temp: ReturnType<typeof makeTempDir>;
let pki: ReturnType<typeof makeTestPki>;
let brain: FakeBrain;

beforeAll(async () => {
  temp = makeTempDir('swarm-it-');
  pki = makeTestPki(join(temp.path, 'pki'));
  brain = await FakeBrain.fromFiles(
    { caPath: pki.caPath, ...pki.server('brain') },
    { heartbeatIntervalMs: 200 },
  );
});

afterAll(async () => {
  await brain?.close();
  temp?.remove();
});

describe('swarm', () => {
  it('links N simulated tentacles, each under its own certificate, and closes them all', async () => {
    const swarm = startSwarm({ count: 25, ca: pki.ca, brain: { host: '127.0.0.1', port: brain.port } });
    try {
      const ready = await swarm.ready;
      expect(ready.readyAfterMs).toHaveLength(25);
      expect(ready.elapsedMs).toBe(Math.max(...ready.readyAfterMs));
      expect(swarm.names.slice(0, 2)).toEqual(['sim-0001', 'sim-0002']);
      const hellos = await Promise.all(
        brain.connections.map(async (c) => [(await c.hello).name, c.certificateCn]),
      );
      expect(hellos.map(([name]) => name).sort()).toEqual(swarm.names);
      for (const [name, cn] of hellos) expect(cn).toBe(name);
      expect(swarm.stats()).toMatchObject({ connected: 25, everReady: 25, reconnects: 0 });

      // One shared sampler answers for every node under its own name.
      const reply = await brain.connections[3].peer.request('status.get', {});
      expect((reply.body as { name: string }).name).toBe(
        await brain.connections[3].hello.then((h) => h.name),
      );
    } finally {
      await swarm.stop();
    }
    const closes = await Promise.all(brain.connections.map((c) => c.closed));
    expect(closes.every((close) => close.code === CloseCode.normal)).toBe(true);
  });

  it('resolves through the name server and counts reconnects', async () => {
    const ns = await FakeNameServer.start();
    ns.entries.set('brain.tentacleFace.message', brain.address);
    const before = brain.connections.length;
    const swarm = startSwarm({
      count: 3,
      ca: pki.ca,
      namePrefix: 'ns-',
      nameServer: { host: '127.0.0.1', httpPort: ns.port, brainName: 'brain' },
      reconnect: { baseMs: 20, capMs: 100 },
    });
    try {
      await swarm.ready;
      brain.dropAll();
      await waitFor(() => swarm.stats().reconnects === 3 && swarm.stats().connected === 3, {
        what: 'reconnects',
      });
      expect(swarm.stats().downs).toBeGreaterThanOrEqual(3);
      expect(brain.connections.length - before).toBe(6);
      expect(ns.queries.length).toBe(6);
    } finally {
      await swarm.stop();
      await ns.close();
    }
  });

  it('reuses certificates from its cache when the same CA signed them', async () => {
    const dir = join(temp.path, 'cache');
    const options = {
      count: 2,
      ca: pki.ca,
      namePrefix: 'cache-',
      certCacheDir: dir,
      brain: { host: '127.0.0.1', port: brain.port },
    };
    const first = startSwarm(options);
    await first.ready;
    await first.stop();
    const cached = readFileSync(join(dir, 'cache-0001.pem'), 'utf8');
    const second = startSwarm(options);
    await second.ready;
    await second.stop();
    expect(readFileSync(join(dir, 'cache-0001.pem'), 'utf8')).toBe(cached);

    // Another CA's certificate in the cache is replaced, not presented.
    const other = makeTestPki(join(temp.path, 'other-pki'));
    writeFileSync(join(dir, 'cache-0001.pem'), other.ca.certPem);
    const third = startSwarm(options);
    await third.ready;
    await third.stop();
    expect(readFileSync(join(dir, 'cache-0001.pem'), 'utf8')).not.toBe(other.ca.certPem);
  });

  it('answers task.assign without spawning: accepted, started, success with "hi"', async () => {
    const swarm = startSwarm({
      count: 3,
      ca: pki.ca,
      namePrefix: 'sim-task-',
      brain: { host: '127.0.0.1', port: brain.port },
    });
    try {
      await swarm.ready;
      const connections = await Promise.all(
        brain.connections.map(async (c) => ((await c.hello).name.startsWith('sim-task-') ? c : undefined)),
      );
      const mine = connections.filter((c) => c !== undefined);
      expect(mine).toHaveLength(3);
      for (const [index, connection] of mine.entries()) {
        const assign = {
          invocationId: `sim-inv-${index}`,
          taskId: 'sim-task',
          kind: 'command' as const,
          command: 'echo hi',
          script: null,
          background: false,
          delayMs: 0,
          startAt: null,
          maxAlignErrorMs: 5,
          timeoutMs: null,
          env: {},
        };
        const reply = await connection.peer.request('task.assign', assign);
        expect(reply.body).toEqual({ invocationId: assign.invocationId, duplicate: false });
        const result = await waitFor(() => connection.results[0], { what: 'simulated result' });
        expect(result).toMatchObject({ state: 'success', exitCode: 0, stdout: 'hi\n', pid: null });
        expect(connection.started).toEqual([
          expect.objectContaining({ invocationId: assign.invocationId, pid: null }),
        ]);
        expect((await connection.peer.request('task.assign', assign)).body).toMatchObject({
          duplicate: true,
        });
      }
    } finally {
      await swarm.stop();
    }
  });

  it('refuses a bad brain location', () => {
    expect(() => startSwarm({ count: 1, ca: pki.ca })).toThrow(/exactly one of brain or nameServer/);
  });
});
