import { CloseCode } from '@octopod/protocol';
import { makeTempDir, makeTestPki, spawnProcess, type SpawnedProcess } from '@octopod/testing';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeBrain } from './testing/fake-brain';

/** The built agent: this suite checks the real entry point (argument parsing, signals, exit codes). */
const MAIN = resolve(__dirname, '../dist/main.js');

let temp: ReturnType<typeof makeTempDir>;
let brain: FakeBrain;
let files: { ca: string; cert: string; key: string };
const processes: SpawnedProcess[] = [];

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b apps/tentacle)`);
  temp = makeTempDir('tentacle-main-');
  const pki = makeTestPki(join(temp.path, 'pki'));
  const server = pki.server('brain');
  const client = pki.client('pi-main');
  files = { ca: pki.caPath, cert: client.certPath, key: client.keyPath };
  brain = await FakeBrain.fromFiles({ caPath: pki.caPath, ...server });
});

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill()));
});

afterAll(async () => {
  await brain?.close();
  temp?.remove();
});

function writeConfig(name: string, config: Record<string, unknown>): string {
  const path = join(temp.path, `${name}.yaml`);
  writeFileSync(path, stringify(config));
  return path;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): SpawnedProcess {
  const child = spawnProcess(process.execPath, [MAIN, ...args], { env, cwd: temp.path });
  processes.push(child);
  return child;
}

describe('tentacle main', () => {
  it('links up, logs to stdout and file, and exits 0 on SIGTERM after closing with 1000', async () => {
    const logDir = join(temp.path, 'log');
    const path = writeConfig('ok', {
      name: 'pi-main',
      httpsNameServer: { enable: false },
      brain: { name: 'brain', ip: '127.0.0.1', port: brain.port },
      logger: { path: logDir, namePrefix: 'agent', level: 'info' },
      workspace: { root: join(temp.path, 'ws'), store: join(temp.path, 'store') },
      ssl: { caCert: files.ca, clientCert: files.cert, clientKey: files.key },
    });
    const tentacle = run(['-c', path]);
    const ready = JSON.parse(await tentacle.waitForLine('"msg":"ready"')) as Record<string, unknown>;
    expect(ready).toMatchObject({ name: 'pi-main', brain: 'brain', address: brain.address });
    const connection = brain.connections.at(-1)!;
    expect(await tentacle.stop(4000)).toBe(0);
    expect(await connection.closed).toMatchObject({ code: CloseCode.normal });
    // A daily file, `<namePrefix>_YYYY_MM_DD.log` (the day it was written, should the test cross midnight).
    const logFiles = readdirSync(logDir).filter((name) => /^agent_\d{4}_\d\d_\d\d\.log$/.test(name));
    expect(logFiles).not.toEqual([]);
    const written = logFiles.map((name) => readFileSync(join(logDir, name), 'utf8')).join('');
    expect(written).toContain('"msg":"ready"');
  });

  it('takes the config file and name from TENTACLE_* variables', async () => {
    const path = writeConfig('env', {
      httpsNameServer: { enable: false },
      brain: { port: brain.port },
      logger: { path: '' },
      workspace: { root: join(temp.path, 'ws2'), store: join(temp.path, 'store2') },
      ssl: { caCert: files.ca, clientCert: files.cert, clientKey: files.key },
    });
    const tentacle = run([], { TENTACLE_CONFIG: path, TENTACLE_NAME: 'pi-main' });
    await tentacle.waitForLine('"msg":"ready"');
    expect(await tentacle.stop(4000)).toBe(0);
  });

  it('exits 2 with one line per bad field', async () => {
    const path = writeConfig('bad', { name: 'no spaces allowed', brain: { port: 'x' } });
    const tentacle = run(['--config', path]);
    expect(await tentacle.exited).toBe(2);
    const output = tentacle.output();
    expect(output).toMatch(/config: name: /);
    expect(output).toMatch(/config: brain\.port: /);
    expect(output).toMatch(/config: ssl: is required/);
  });

  it('exits 2 when a certificate file cannot be read', async () => {
    const path = writeConfig('nocert', {
      httpsNameServer: { enable: false },
      logger: { path: '' },
      workspace: { root: join(temp.path, 'ws3'), store: join(temp.path, 'store3') },
      ssl: { caCert: files.ca, clientCert: join(temp.path, 'missing.pem'), clientKey: files.key },
    });
    const tentacle = run(['-c', path]);
    expect(await tentacle.exited).toBe(2);
    expect(tentacle.output()).toMatch(/ssl\.clientCert: cannot read .*missing\.pem/);
  });
});
