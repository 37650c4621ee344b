import { CloseCode, type NodeStatus } from '@octopod/protocol';
import { FakeTentacle, makeTempDir, makeTestPki, waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, TIGHT_LIVENESS, type TestBrain } from '../../../test/brain-harness';

interface NodeBody {
  name: string;
  state: string;
  connected: boolean;
  delayMs: number | null;
  addr: string;
}

describe('tentacle gateway (real sockets, Postgres, Redis)', () => {
  let t: TestBrain;
  const node = async (name: string) => (await t.api(`/api/v2/nodes/${name}`)).json() as NodeBody;

  beforeAll(async () => {
    // Tight liveness limits: a silent node's turn to unstable and to dropped is what some of these tests watch.
    t = await startTestBrain(TIGHT_LIVENESS);
    for (const name of ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']) t.pki.client(name);
  });
  afterAll(() => t.stop());

  it('welcomes a node whose certificate matches its name and shows it online with a measured delay', async () => {
    const tentacle = t.tentacle('n1');
    const welcome = await tentacle.join();
    expect(welcome).toMatchObject({ brainName: 'brain', heartbeatIntervalMs: 100 });
    const online = await waitFor(async () => {
      const body = await node('n1');
      return body.state === 'online' && body.delayMs !== null ? body : undefined;
    });
    expect(online).toMatchObject({ connected: true, addr: '10.9.9.9' });
    expect(online.delayMs).toBeGreaterThanOrEqual(0);
    await tentacle.close();
  });

  it('refuses a node that claims a name other than its certificate CN, with 4403 and a reason', async () => {
    const impostor = t.tentacle('n3', { cert: 'n2' });
    await expect(impostor.join()).rejects.toThrow(
      /identity_mismatch: certificate CN "n2" does not match hello name "n3"/,
    );
    const closed = await impostor.whenClosed();
    expect(closed.code).toBe(CloseCode.identityMismatch);
    expect((await t.api('/api/v2/nodes/n3')).status).toBe(404);
  });

  it('refuses a connection without a client certificate at the TLS handshake', async () => {
    const anonymous = t.tentacle('n4', { cert: null });
    await expect(anonymous.opened).rejects.toThrow();
  });

  it('refuses a client certificate from another CA at the TLS handshake', async () => {
    const other = makeTempDir();
    const foreign = makeTestPki(other.path, 'Foreign CA');
    const cert = foreign.client('n4');
    const tentacle = new FakeTentacle({
      url: t.gatewayUrl,
      caPath: t.pki.caPath,
      certPath: cert.certPath,
      keyPath: cert.keyPath,
      name: 'n4',
    });
    await expect(tentacle.opened).rejects.toThrow();
    other.remove();
  });

  it('closes with 4426 when a tentacle speaks another protocol version', async () => {
    const future = t.tentacle('n5');
    await future.opened;
    future.socket.send(JSON.stringify({ v: 2, id: 'h1', kind: 'hello', ts: Date.now(), body: {} }));
    expect((await future.whenClosed()).code).toBe(CloseCode.versionMismatch);
  });

  it('answers anything before hello by closing the connection', async () => {
    const rude = t.tentacle('n5');
    await rude.opened;
    rude.heartbeat();
    expect((await rude.whenClosed()).code).toBe(CloseCode.badMessage);
  });

  it('marks a silent node unstable, drops it after recordTimeout, then offline; it comes back under its name', async () => {
    const tentacle = t.tentacle('n5');
    await tentacle.join();
    await waitFor(async () => (await node('n5')).state === 'online');
    tentacle.silence();
    await waitFor(
      async () => {
        const body = await node('n5');
        return body.state === 'unstable' && body.connected;
      },
      { what: 'n5 unstable while still connected' },
    );
    await tentacle.whenClosed();
    await waitFor(async () => (await node('n5')).state === 'offline', { what: 'n5 offline' });
    const again = t.tentacle('n5');
    await again.join();
    await waitFor(async () => (await node('n5')).state === 'online', { what: 'n5 online again' });
    await again.close();
  });

  it('a second connection for the same name replaces the first', async () => {
    const first = t.tentacle('n6');
    await first.join();
    const second = t.tentacle('n6');
    await second.join();
    expect((await first.whenClosed()).code).toBe(CloseCode.replaced);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await node('n6')).toMatchObject({ state: 'online', connected: true });
    await second.close();
  });

  it('fetches a fresh status from the node and from the brain host', async () => {
    const tentacle = t.tentacle('n2');
    await tentacle.join();
    const status = await t.api('/api/v2/nodes/n2/status');
    expect(status.status).toBe(200);
    expect(status.json()).toMatchObject({ name: 'n2', platform: 'fake cpu', memTotal: 2 });
    const brain = (await t.api('/api/v2/nodes/brain/status')).json() as NodeStatus;
    expect(brain.platform).not.toBe('');
    expect(brain.cpuCores).toBeGreaterThan(0);
    expect(brain.localTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(brain.memTotal).toBeGreaterThan(brain.memUsed);
    expect(brain.diskTotal).toBeGreaterThan(0);
    await tentacle.close();
    await waitFor(async () => (await node('n2')).state !== 'online');
    expect((await t.api('/api/v2/nodes/n2/status')).json()).toMatchObject({ code: 'node_not_online' });
  });
});
