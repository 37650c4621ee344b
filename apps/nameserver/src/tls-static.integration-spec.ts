import { freePort, makeTempDir, makeTestPki, type TestPki } from '@octopod/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNameServer } from './server';
import { readClientCert, send, startTestNameServer, type ClientCert } from './test-client.helper-spec';

const temp = makeTempDir('ns-tls-static-');
const keyPrefix = `ns-it-tls-${randomUUID()}:`;
const releaseDir = join(temp.path, 'www', 'release');
const bigFile = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
let pki: TestPki;
let server: RunningNameServer;
let tls: ClientCert;

beforeAll(async () => {
  pki = makeTestPki(join(temp.path, 'pki'));
  tls = readClientCert(pki.caPath, pki.client('octl'));
  mkdirSync(join(releaseDir, 'nested'), { recursive: true });
  writeFileSync(join(releaseDir, 'app_v1.0.0_linux_amd64.tar.xz'), 'release-bytes');
  writeFileSync(join(releaseDir, 'nested', 'notes.txt'), 'hello notes');
  writeFileSync(join(releaseDir, 'big.bin'), bigFile);
  writeFileSync(join(temp.path, 'www', 'secret.txt'), 'top secret');
  server = await startTestNameServer(pki, keyPrefix, { staticDir: [{ url: '/release', dir: releaseDir }] });
});

afterAll(async () => {
  await server?.close();
  temp.remove();
});

describe('mutual TLS', () => {
  it('serves a client holding a certificate of the CA', async () => {
    expect((await send(server.httpsPort, { path: '/ping' }, tls)).status).toBe(200);
  });

  it('refuses a client without a certificate', async () => {
    const noCert = readClientCert(pki.caPath);
    await expect(send(server.httpsPort, { path: '/ping' }, noCert)).rejects.toThrow();
  });

  it('refuses a client certificate of another CA', async () => {
    const otherPki = makeTestPki(join(temp.path, 'other-pki'), 'Rogue CA');
    const rogue = readClientCert(pki.caPath, otherPki.client('rogue'));
    await expect(send(server.httpsPort, { path: '/ping' }, rogue)).rejects.toThrow();
  });

  it('speaks no plain HTTP on the HTTPS port', async () => {
    await expect(send(server.httpsPort, { path: '/ping' })).rejects.toThrow();
  });
});

describe('static directories', () => {
  it('streams a file with its length and type', async () => {
    const reply = await send(server.httpsPort, { path: '/release/app_v1.0.0_linux_amd64.tar.xz' }, tls);
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('release-bytes');
    expect(reply.headers['content-length']).toBe('13');
    expect(reply.headers['content-type']).toBe('application/x-xz');
  });

  it('serves nested and percent-encoded paths', async () => {
    const reply = await send(server.httpsPort, { path: '/release/nested/%6Eotes.txt' }, tls);
    expect(reply).toMatchObject({ status: 200, body: 'hello notes' });
  });

  it('streams a multi-megabyte file whole', async () => {
    const reply = await send(server.httpsPort, { path: '/release/big.bin' }, tls);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(bigFile.length));
    expect(reply.body.length).toBe(bigFile.length);
  });

  it('answers HEAD with headers only', async () => {
    const reply = await send(server.httpsPort, { method: 'HEAD', path: '/release/nested/notes.txt' }, tls);
    expect(reply).toMatchObject({ status: 200, body: '' });
    expect(reply.headers['content-length']).toBe('11');
  });

  it.each(['/release/missing.tar.xz', '/release/nested', '/release', '/release/nested/'])(
    'answers %s with 404',
    async (path) => {
      expect(await send(server.httpsPort, { path }, tls)).toMatchObject({
        status: 404,
        body: '{"msg":"not found"}',
      });
    },
  );

  it.each([
    '/release/../secret.txt',
    '/release/..%2fsecret.txt',
    '/release/%2e%2e/secret.txt',
    '/release/nested/../../secret.txt',
  ])('refuses the traversal %s', async (path) => {
    const reply = await send(server.httpsPort, { path }, tls);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('top secret');
  });

  it('is not served on the plain HTTP port', async () => {
    const reply = await send(server.httpPort, { path: '/release/nested/notes.txt' });
    expect(reply).toMatchObject({ status: 404, body: '{"msg":"not found"}' });
  });

  it('refuses writes to a static path', async () => {
    const reply = await send(
      server.httpsPort,
      { method: 'POST', path: '/release/nested/notes.txt', body: 'x' },
      tls,
    );
    expect(reply.status).toBe(404);
  });
});

describe('Redis down', () => {
  let downServer: RunningNameServer;

  beforeAll(async () => {
    const deadRedisPort = await freePort();
    downServer = await startTestNameServer(pki, keyPrefix, { redis: { port: deadRedisPort, keyPrefix } });
  });

  afterAll(async () => {
    await downServer?.close();
  });

  it('answers 500 with a message and keeps serving', async () => {
    const query = await send(downServer.httpPort, { path: '/query?name=x' });
    expect(query.status).toBe(500);
    expect(JSON.parse(query.body)).toEqual({ msg: expect.stringMatching(/^redis: /) });
    const registration = await send(
      downServer.httpsPort,
      { method: 'POST', path: '/register', body: '[{"key":"k","type":"str"}]' },
      tls,
    );
    expect(registration.status).toBe(500);
    expect((await send(downServer.httpsPort, { path: '/list?method=all' }, tls)).status).toBe(500);
    expect((await send(downServer.httpPort, { path: '/ping' })).status).toBe(200);
  });
});
