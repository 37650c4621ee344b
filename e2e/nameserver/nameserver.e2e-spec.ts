import {
  freePorts,
  makeTempDir,
  makeTestPki,
  spawnProcess,
  waitFor,
  type SpawnedProcess,
} from '@octopod/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { httpsJson } from '../support/https';
import { deleteRedisKeys, redisBaseUrl } from '../support/resources';

const MAIN = resolve(__dirname, '../../apps/nameserver/dist/main.js');
const temp = makeTempDir('ns-e2e-');
const keyPrefix = `ns-e2e-${randomBytes(5).toString('hex')}:`;
const redisUrl = redisBaseUrl();
const pki = makeTestPki(join(temp.path, 'pki'));
const nsCert = pki.server('nameserver');
const client = pki.client('brain');
const tls = { ca: pki.caPath, cert: client.certPath, key: client.keyPath };
// Only what the process needs: a stray NAMESERVER_* or REDIS_URL of the caller must not reconfigure it.
const env = { PATH: process.env.PATH ?? '', HOME: temp.path };

function writeConfig(name: string, config: Record<string, unknown>): string {
  const file = join(temp.path, name);
  writeFileSync(file, toYaml(config));
  return file;
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveReply, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolveReply({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    }).on('error', reject);
  });
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b apps/nameserver)`);
});

afterAll(async () => {
  await deleteRedisKeys(redisUrl, keyPrefix).catch(() => undefined);
  temp.remove();
});

describe('nameserver process', () => {
  let ns: SpawnedProcess;
  let httpsPort: number;
  let httpPort: number;
  const logDir = join(temp.path, 'logs');

  beforeAll(async () => {
    [httpsPort, httpPort] = await freePorts(2);
    const config = writeConfig('nameserver.yaml', {
      servePort: httpsPort,
      httpPort,
      ip: '127.0.0.1',
      redis: { url: redisUrl, keyPrefix },
      ssl: { caCert: pki.caPath, serverCert: nsCert.certPath, serverKey: nsCert.keyPath },
      logger: { path: logDir, namePrefix: 'ns', level: 'info' },
    });
    ns = spawnProcess('node', [MAIN, '-c', config], {
      cwd: temp.path,
      env,
      logFile: join(temp.path, 'ns.out'),
    });
    await ns.waitForLine('"msg":"ready"');
  });

  afterAll(async () => {
    await ns?.kill();
  });

  it('prints a ready line naming both bound ports, also into the log file', async () => {
    const ready = JSON.parse(await ns.waitForLine('"msg":"ready"')) as Record<string, unknown>;
    expect(ready).toMatchObject({ msg: 'ready', httpsPort, httpPort, level: 30 });
    expect(readFileSync(join(logDir, 'ns.log'), 'utf8')).toContain('"msg":"ready"');
  });

  it('registers over HTTPS, answers over HTTP, and lets the entry expire', async () => {
    const entry = {
      key: 'brain.tentacleFace.message',
      type: 'addr',
      value: '127.0.0.1:3457',
      description: '',
      ttl: 500,
    };
    const registered = await httpsJson(
      `https://127.0.0.1:${httpsPort}/register`,
      { method: 'POST', body: [entry] },
      tls,
    );
    expect(registered).toMatchObject({ status: 200, body: { msg: 'OK' } });

    const found = await httpGet(httpPort, '/query?name=brain.tentacleFace.message');
    expect(found.status).toBe(200);
    expect(JSON.parse(found.body)).toEqual({ msg: 'OK', entry });

    const expired = await waitFor(
      async () => {
        const reply = await httpGet(httpPort, '/query?name=brain.tentacleFace.message');
        return reply.status === 400 ? reply : undefined;
      },
      { timeoutMs: 5000, what: 'the entry to expire' },
    );
    expect(expired.body).toBe('{"msg":"redis: nil"}');
  });

  it('keeps writes off the plain HTTP port', async () => {
    expect(await httpGet(httpPort, '/list?method=all')).toEqual({ status: 404, body: '{"msg":"not found"}' });
  });

  it('exits 0 on SIGTERM after closing its listeners', async () => {
    expect(await ns.stop()).toBe(0);
    expect(ns.output()).toContain('"msg":"stopped"');
    await expect(httpGet(httpPort, '/ping')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('nameserver configuration errors', () => {
  it('exits 2 naming each bad field', async () => {
    const config = writeConfig('bad.yaml', {
      servePort: 'many',
      ssl: { caCert: '' },
      logger: { level: 'loud' },
    });
    const proc = spawnProcess('node', [MAIN, '-c', config], { cwd: temp.path, env });
    expect(await proc.exited).toBe(2);
    const output = proc.output();
    expect(output).toContain('servePort: must be a port number (0-65535)');
    expect(output).toContain('ssl.caCert: must not be empty');
    expect(output).toContain('ssl.serverKey: is required');
    expect(output).toContain('logger.level: Invalid option');
    expect(output).not.toContain('"msg":"ready"');
  });

  it('exits 2 when a certificate file cannot be read', async () => {
    const [servePort] = await freePorts(1);
    const config = writeConfig('nocert.yaml', {
      servePort,
      ip: '127.0.0.1',
      ssl: {
        caCert: join(temp.path, 'missing-ca.pem'),
        serverCert: nsCert.certPath,
        serverKey: nsCert.keyPath,
      },
      logger: { level: 'silent' },
    });
    const proc = spawnProcess('node', [MAIN, '-c', config], { cwd: temp.path, env });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/ssl\.caCert: cannot read .*missing-ca\.pem \(ENOENT\)/);
  });
});
