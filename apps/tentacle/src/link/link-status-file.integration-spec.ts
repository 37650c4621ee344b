import { UpgradeRefusal } from '@octopod/protocol';
import { makeTempDir, makeTestPki, spawnProcess, waitFor, type SpawnedProcess } from '@octopod/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBrain } from '../testing/fake-brain';
import { tentacleVersion } from '../version';
import { linkStatusPath, type LinkStatus } from './link-status-file';

/** The built agent: the status file is written by the real process, as pakma will read it. */
const MAIN = resolve(__dirname, '../../dist/main.js');

let temp: ReturnType<typeof makeTempDir>;
let brain: FakeBrain;
let tentacle: SpawnedProcess | undefined;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b apps/tentacle)`);
  temp = makeTempDir('tentacle-link-status-');
  const pki = makeTestPki(join(temp.path, 'pki'));
  brain = await FakeBrain.fromFiles({ caPath: pki.caPath, ...pki.server('brain') });
  const client = pki.client('pi-status');
  const config = join(temp.path, 'tentacle.yaml');
  writeFileSync(
    config,
    stringify({
      name: 'pi-status',
      httpsNameServer: { enable: false },
      brain: { ip: '127.0.0.1', port: brain.port },
      heartbeat: { reconnectInterval: 0.05, reconnectMax: 0.2 },
      logger: { path: '' },
      workspace: { root: join(temp.path, 'ws'), store: join(temp.path, 'store') },
      ssl: { caCert: pki.caPath, clientCert: client.certPath, clientKey: client.keyPath },
    }),
  );
  tentacle = spawnProcess(process.execPath, [MAIN, '-c', config], { cwd: temp.path });
});

afterAll(async () => {
  await tentacle?.kill();
  await brain?.close();
  temp?.remove();
});

describe('link status file', () => {
  it('says connected after the welcome, not connected after a drop, connected again after the reconnect', async () => {
    const path = linkStatusPath(join(temp.path, 'ws', '.octopod'));
    const read = () =>
      existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as LinkStatus) : undefined;
    const connected = () => {
      const status = read();
      return status?.connected ? status : undefined;
    };
    const up = await waitFor(connected, { what: 'connected: true' });
    expect(up).toMatchObject({ version: tentacleVersion(), node: 'pi-status', pid: tentacle!.child.pid });
    await brain.nextConnection();
    // Refused while down, so the drop is seen before the reconnect.
    brain.refusal = { code: UpgradeRefusal.wrongRole, message: 'not now' };
    brain.dropAll();
    await waitFor(() => read()?.connected === false, { what: 'connected: false' });
    brain.refusal = undefined;
    const again = await waitFor(connected, { what: 'connected again' });
    expect(Date.parse(again.since)).toBeGreaterThan(Date.parse(up.since));
  });
});
