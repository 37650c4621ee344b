import { CloseCode, UpgradeRefusal } from '@octopod/protocol';
import { makeTempDir, makeTestPki, waitFor, type TestPki } from '@octopod/testing';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from './config';
import { startTentacle, type TentacleHandle } from './tentacle';
import { captureLogger } from './testing/capture-logger';
import { FakeBrain } from './testing/fake-brain';

const ERROR_LEVEL = 50;

let temp: ReturnType<typeof makeTempDir>;
let pki: TestPki;
let brainCert: { certPath: string; keyPath: string };
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(() => {
  temp = makeTempDir('tentacle-revoked-');
  pki = makeTestPki(join(temp.path, 'pki'));
  brainCert = pki.server('brain');
  pki.client('pi-r');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => temp.remove());

async function setUp(n: number) {
  const brain = await FakeBrain.fromFiles({ caPath: pki.caPath, ...brainCert });
  cleanups.push(() => brain.close());
  const dir = join(temp.path, `t${n}`);
  const config = parseConfig({
    name: 'pi-r',
    httpsNameServer: { enable: false },
    brain: { name: 'brain', ip: '127.0.0.1', port: brain.port },
    heartbeat: { reconnectInterval: 0.02, reconnectMax: 0.05 },
    logger: { path: '', level: 'debug' },
    workspace: { root: join(dir, 'workspace'), store: join(dir, 'FSTORE') },
    ssl: { caCert: pki.caPath, clientCert: join(pki.dir, 'pi-r.pem'), clientKey: join(pki.dir, 'pi-r.key') },
  });
  const logs = captureLogger();
  const tentacle: TentacleHandle = startTentacle(config, { logger: logs.logger, random: () => 1 });
  cleanups.push(() => tentacle.stop());
  const revoked = new Promise<{ reason: string }>((resolve) => tentacle.events.once('revoked', resolve));
  return { brain, tentacle, logs, revoked };
}

describe('a revoked tentacle', () => {
  it('stops for good when the brain closes its live connection with 4401, saying how to come back', async () => {
    const { brain, tentacle, logs, revoked } = await setUp(1);
    const connection = await brain.nextConnection();
    await connection.hello;
    await waitFor(() => tentacle.link.connected);
    connection.socket.close(CloseCode.revoked, 'certificate revoked by admin');
    expect(await revoked).toEqual({ reason: 'certificate revoked by admin' });
    const [line] = logs.find(/revoked this node's certificate; not reconnecting/);
    expect(line).toMatchObject({ level: ERROR_LEVEL, reason: 'certificate revoked by admin' });
    expect(line.msg).toContain('octl node token create --name pi-r');
    expect(line.msg).toContain('tentacle join --token');
    // The link's loop has ended on its own: no attempt follows.
    await tentacle.link.whenDone();
    expect(tentacle.link.connected).toBe(false);
    expect(brain.connections).toHaveLength(1);
  });

  it('stops for good when the gateway refuses the upgrade as revoked', async () => {
    const { brain, tentacle, revoked, logs } = await setUp(2);
    brain.refusal = { code: UpgradeRefusal.revoked, message: 'node "pi-r" was revoked' };
    expect((await revoked).reason).toBe('node "pi-r" was revoked');
    await tentacle.link.whenDone();
    expect(brain.refusedCount).toBe(1);
    expect(logs.find(/not reconnecting/)).toHaveLength(1);
  });

  it('waits the longest backoff after a wrong-role refusal and logs the reason as an error', async () => {
    const { brain, tentacle, logs } = await setUp(3);
    brain.refusal = { code: UpgradeRefusal.wrongRole, message: '"pi-r" presented an admin certificate' };
    const retry = await new Promise<{ delayMs: number }>((resolve) => tentacle.events.once('retry', resolve));
    expect(retry.delayMs).toBe(50); // the cap (random pinned to 1)
    expect(logs.find('brain refused this tentacle')[0]).toMatchObject({
      level: ERROR_LEVEL,
      code: 'refused',
      reason: '"pi-r" presented an admin certificate',
    });
    // Not revoked: it keeps trying, and comes in once the brain accepts it.
    brain.refusal = undefined;
    await waitFor(() => tentacle.link.connected);
  });
});
