import { CloseCode, nodeStatusSchema, UpgradeRefusal } from '@octopod/protocol';
import { waitFor } from '@octopod/testing';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type TentacleConfig } from './config';
import { startTentacle, type TentacleDeps, type TentacleHandle } from './tentacle';
import { captureLogger } from './testing/capture-logger';
import type { FakeBrain } from './testing/fake-brain';
import { FakeNameServer } from './testing/fake-name-server';
import { useLinkWorld, worldBrain } from './testing/linked-tentacle';
import { tentacleVersion } from './version';

const ERROR_LEVEL = 50;

const world = useLinkWorld('tentacle-it-');

const fakeBrain = (options?: Parameters<typeof worldBrain>[1]) => worldBrain(world, options);

function config(dir: string, overrides: Record<string, unknown>, certName = 'pi-1'): TentacleConfig {
  return parseConfig({
    name: 'pi-1',
    heartbeat: { reconnectInterval: 0.05, reconnectMax: 0.2 },
    logger: { path: join(dir, 'log'), namePrefix: 'tentacle', level: 'debug' },
    workspace: { root: join(dir, 'workspace'), store: join(dir, 'FSTORE') },
    ssl: {
      caCert: world.pki.caPath,
      clientCert: join(world.pki.dir, `${certName}.pem`),
      clientKey: join(world.pki.dir, `${certName}.key`),
    },
    ...overrides,
  });
}

function start(
  cfg: TentacleConfig,
  deps: Omit<TentacleDeps, 'logger'> = {},
): { tentacle: TentacleHandle; logs: ReturnType<typeof captureLogger> } {
  const logs = captureLogger();
  const tentacle = startTentacle(cfg, { logger: logs.logger, ...deps });
  world.cleanups.push(() => tentacle.stop());
  return { tentacle, logs };
}

let scratchCount = 0;
/** A fresh directory inside this file's temp dir (removed after all tests). */
function scratch(): string {
  return join(world.dir, `t${++scratchCount}`);
}

function direct(brain: FakeBrain) {
  return { httpsNameServer: { enable: false }, brain: { name: 'brain', ip: '127.0.0.1', port: brain.port } };
}

describe('tentacle link against a fake brain', () => {
  it('says hello under the name in its certificate, then logs ready', async () => {
    const brain = await fakeBrain({ name: 'brain-a' });
    const dir = scratch();
    const { logs } = start(config(dir, direct(brain)));
    const connection = await brain.nextConnection();
    const hello = await connection.hello;
    expect(hello).toMatchObject({
      name: 'pi-1',
      version: tentacleVersion(),
      protocol: 1,
      capabilities: ['status', 'tasks', 'files', 'nodeapps', 'logs', 'tunnels', 'pakma'],
    });
    expect(hello.facts.addr).toBe('127.0.0.1');
    expect(connection.certificateCn).toBe(hello.name);
    const ready = await waitFor(() => logs.find('ready')[0], { what: 'ready log' });
    expect(ready).toMatchObject({ brain: 'brain-a', address: brain.address });
    expect(existsSync(join(dir, 'workspace'))).toBe(true);
    expect(existsSync(join(dir, 'FSTORE'))).toBe(true);
  });

  it('sends clock estimates in heartbeats once acks come back', async () => {
    const brain = await fakeBrain({ heartbeatIntervalMs: 50, clockOffsetMs: 5000 });
    start(config(scratch(), direct(brain)));
    const connection = await brain.nextConnection();
    expect(await waitFor(() => connection.heartbeats.length)).toBeGreaterThan(0);
    expect(connection.heartbeats[0]).toMatchObject({
      seq: 0,
      delayMs: null,
      offsetMs: null,
      offsetErrorMs: null,
    });
    const measured = await waitFor(() => connection.heartbeats.find((hb) => hb.offsetMs !== null), {
      what: 'estimate',
    });
    expect(measured.delayMs).toBeGreaterThanOrEqual(0);
    expect(measured.offsetErrorMs).toBeGreaterThanOrEqual(0);
    expect(Math.abs((measured.offsetMs as number) - 5000)).toBeLessThanOrEqual(
      (measured.offsetErrorMs as number) + 5,
    );
  });

  it('answers status.get with a valid status of this host', async () => {
    const brain = await fakeBrain();
    const { tentacle } = start(config(scratch(), direct(brain)));
    await new Promise((resolve) => tentacle.events.once('ready', resolve));
    const connection = await brain.nextConnection();
    const reply = await connection.peer.request('status.get', {});
    expect(reply.kind).toBe('status');
    const status = nodeStatusSchema.parse(reply.body);
    expect(status.name).toBe('pi-1');
    expect(status.localTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(status.cpuCores).toBeGreaterThan(0);
    expect(status.memTotal).toBeGreaterThan(status.memUsed);
    expect(status.diskTotal).toBeGreaterThan(0);
  });

  it('reconnects after the brain drops it, re-resolving through the name server', async () => {
    const first = await fakeBrain({ name: 'first' });
    const second = await fakeBrain({ name: 'second' });
    const ns = await FakeNameServer.start();
    world.cleanups.push(() => ns.close());
    ns.entries.set('brain.tentacleFace.message', first.address);
    const { tentacle, logs } = start(
      config(scratch(), { httpsNameServer: { enable: true, host: '127.0.0.1', port: 1, httpPort: ns.port } }),
    );
    await first.nextConnection();
    await waitFor(() => tentacle.link.connected, { what: 'first welcome' });
    expect(ns.queries).toEqual(['brain.tentacleFace.message']);

    ns.entries.set('brain.tentacleFace.message', second.address);
    first.dropAll();
    const moved = await second.nextConnection();
    expect((await moved.hello).name).toBe('pi-1');
    await waitFor(() => logs.find('ready').some((line) => line.brain === 'second'), {
      what: 'ready with second brain',
    });
    expect(ns.queries.length).toBeGreaterThanOrEqual(2);
    expect(logs.find('link down')[0]).toMatchObject({ address: first.address, welcomed: true });
  });

  it('keeps retrying while the name server has no entry', async () => {
    const ns = await FakeNameServer.start();
    world.cleanups.push(() => ns.close());
    const brain = await fakeBrain();
    const { logs } = start(
      config(scratch(), { httpsNameServer: { enable: true, host: '127.0.0.1', port: 1, httpPort: ns.port } }),
    );
    await waitFor(() => ns.queries.length >= 2, { what: 'repeated queries' });
    expect(logs.find('cannot reach brain')[0]).toMatchObject({ code: 'resolve_failed' });
    ns.entries.set('brain.tentacleFace.message', brain.address);
    await brain.nextConnection();
  });

  it('logs an identity refusal (4403) as an error and keeps retrying', async () => {
    const brain = await fakeBrain();
    // Claims pi-9 but presents the certificate of pi-1.
    const { logs } = start(config(scratch(), { ...direct(brain), name: 'pi-9' }));
    const first = await brain.nextConnection();
    expect(await first.closed).toMatchObject({ code: CloseCode.identityMismatch });
    const refusal = await waitFor(() => logs.lines.find((line) => line.level === ERROR_LEVEL), {
      what: 'error log',
    });
    expect(refusal.msg).toMatch(/name does not match the client certificate/);
    expect(refusal).toMatchObject({ code: 4403, reason: expect.stringContaining('pi-9') });
    const retry = await brain.nextConnection(1);
    expect((await retry.hello).name).toBe('pi-9');
  });

  it('answers a malformed frame from the brain with error and stays linked', async () => {
    const brain = await fakeBrain();
    const { tentacle, logs } = start(config(scratch(), direct(brain)));
    await new Promise((resolve) => tentacle.events.once('ready', resolve));
    const connection = await brain.nextConnection();
    connection.socket.send('{"v":1,"kind":');
    connection.socket.send(
      JSON.stringify({ v: 1, id: 'x1', kind: 'heartbeat.ack', ts: 0, body: { seq: 'one' } }),
    );
    await waitFor(() => connection.errors.length >= 2, { what: 'error replies' });
    expect(connection.errors.map((e) => (e.body as { code: string }).code)).toEqual(['bad_json', 'bad_body']);
    const reply = await connection.peer.request('status.get', {});
    expect(reply.kind).toBe('status');
    expect(tentacle.link.connected).toBe(true);
    expect(logs.find('link down')).toEqual([]);
  });

  it('treats a brain that stops acking as dead and reconnects', async () => {
    const brain = await fakeBrain({ heartbeatIntervalMs: 50 });
    const { tentacle, logs } = start(config(scratch(), direct(brain)));
    await brain.nextConnection();
    await new Promise((resolve) => tentacle.events.once('ready', resolve));
    brain.ackHeartbeats = false;
    const down = await waitFor(() => logs.find('link down')[0], { what: 'link down' });
    expect(down.reason).toMatch(/no heartbeat ack/);
    brain.ackHeartbeats = true;
    await brain.nextConnection(1);
  });

  it('stop() closes the socket with 1000 and dials no more', async () => {
    const brain = await fakeBrain();
    const dir = scratch();
    const { tentacle } = start(config(dir, direct(brain)));
    await new Promise((resolve) => tentacle.events.once('ready', resolve));
    const connection = await brain.nextConnection();
    await tentacle.stop();
    expect(await connection.closed).toMatchObject({ code: CloseCode.normal });
    expect(tentacle.link.connected).toBe(false);
    // stop() resolves only after the reconnect loop ended, so no later dial can reach the brain.
    await brain.close();
    expect(brain.connections).toHaveLength(1);
  });
});

describe('a revoked tentacle', () => {
  /** Backoff pinned to its cap (random = 1): 0.2 s. */
  const startRevocable = async () => {
    const brain = await fakeBrain();
    const { tentacle, logs } = start(config(scratch(), direct(brain)), { random: () => 1 });
    const revoked = new Promise<{ reason: string }>((resolve) => tentacle.events.once('revoked', resolve));
    return { brain, tentacle, logs, revoked };
  };

  it('stops for good when the brain closes its live connection with 4401, saying how to come back', async () => {
    const { brain, tentacle, logs, revoked } = await startRevocable();
    const connection = await brain.nextConnection();
    await waitFor(() => tentacle.link.connected);
    connection.socket.close(CloseCode.revoked, 'certificate revoked by admin');
    expect(await revoked).toEqual({ reason: 'certificate revoked by admin' });
    const [line] = logs.find(/revoked this node's certificate; not reconnecting/);
    expect(line).toMatchObject({ level: ERROR_LEVEL, reason: 'certificate revoked by admin' });
    expect(line.msg).toContain('octl node token create --name pi-1');
    expect(line.msg).toContain('tentacle join --token');
    // The link's loop has ended on its own: no attempt follows.
    await tentacle.link.whenDone();
    expect(tentacle.link.connected).toBe(false);
    expect(brain.connections).toHaveLength(1);
  });

  it('stops for good when the gateway refuses the upgrade as revoked', async () => {
    const { brain, tentacle, revoked, logs } = await startRevocable();
    brain.refusal = { code: UpgradeRefusal.revoked, message: 'node "pi-1" was revoked' };
    expect((await revoked).reason).toBe('node "pi-1" was revoked');
    await tentacle.link.whenDone();
    expect(brain.refusedCount).toBe(1);
    expect(logs.find(/not reconnecting/)).toHaveLength(1);
  });

  it('waits the longest backoff after a wrong-role refusal, logs the reason as an error, and keeps trying', async () => {
    const { brain, tentacle, logs } = await startRevocable();
    brain.refusal = { code: UpgradeRefusal.wrongRole, message: '"pi-1" presented an admin certificate' };
    const retry = await new Promise<{ delayMs: number }>((resolve) => tentacle.events.once('retry', resolve));
    expect(retry.delayMs).toBe(200); // the cap
    expect(logs.find('brain refused this tentacle')[0]).toMatchObject({
      level: ERROR_LEVEL,
      code: 'refused',
      reason: '"pi-1" presented an admin certificate',
    });
    brain.refusal = undefined;
    await waitFor(() => tentacle.link.connected);
  });
});
