import { createCa, issueClientCert, issueServerCert, writeCertifiedKey } from '@octopod/pki';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClientFromConfig, OctopodApiError, OctopodClient } from './index';

// Libraries may not use @octopod/testing (lint: type:lib depends on type:lib only), so this is makeTestPki in small.
function makeTempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

interface TestPki {
  caPath: string;
  server(name: string): { certPath: string; keyPath: string };
  client(cn: string, file: string): { certPath: string; keyPath: string };
}

function makeTestPki(dir: string, caName = 'SDK Test CA'): TestPki {
  const ca = createCa({ commonName: caName });
  return {
    caPath: writeCertifiedKey(dir, 'ca', ca).certPath,
    server: (name) => writeCertifiedKey(dir, name, issueServerCert(ca, { commonName: name })),
    client: (cn, file) =>
      writeCertifiedKey(dir, file, issueClientCert(ca, { commonName: cn, role: 'admin' })),
  };
}

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  peerCn?: string;
  servername?: string;
  body: string;
  socketId: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const json = (res: ServerResponse, status: number, value: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
};

let tmp: ReturnType<typeof makeTempDir>;
let pki: TestPki;
let serverFiles: { certPath: string; keyPath: string };
let clientFiles: { certPath: string; keyPath: string };
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  tmp = makeTempDir('octopod-sdk-');
  pki = makeTestPki(tmp.path);
  serverFiles = pki.server('brain');
  clientFiles = pki.client('admin', 'octl');
});
afterAll(() => tmp.remove());

/** A token file holding just the token, as a CI secret would be dropped in. */
function tokenFileWith(token: string): string {
  const path = join(tmp.path, `${token}.token`);
  writeFileSync(path, `${token}\n`);
  return path;
}
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

function listen(server: Server | HttpServer): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
    closers.push(
      () =>
        new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
    );
  });
}

/** A stand-in for the brain's HTTPS API; `requireCert` mirrors mTLS-only faces, otherwise cert OR bearer. */
async function fakeBrain(handler: Handler, requireCert = false): Promise<{ address: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let sockets = 0;
  const server = createServer({
    ca: readFileSync(pki.caPath),
    cert: readFileSync(serverFiles.certPath),
    key: readFileSync(serverFiles.keyPath),
    requestCert: true,
    rejectUnauthorized: requireCert,
  });
  server.on('secureConnection', (socket: TLSSocket & { testId?: number }) => (socket.testId = ++sockets));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const socket = req.socket as TLSSocket & { testId?: number; servername?: string };
      const body = Buffer.concat(chunks).toString('utf8');
      const peer = socket.authorized ? socket.getPeerCertificate() : undefined;
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        peerCn: peer?.subject?.CN as string | undefined,
        servername: socket.servername,
        body,
        socketId: socket.testId ?? 0,
      });
      handler(req, res, body);
    });
  });
  return { address: await listen(server), seen };
}

function clientFor(
  address: string,
  extra: { cert?: boolean; bearer?: string; timeoutMs?: number } = {},
): OctopodClient {
  const withCert = extra.cert ?? true;
  const client = new OctopodClient({
    address,
    ca: readFileSync(pki.caPath),
    cert: withCert ? readFileSync(clientFiles.certPath) : undefined,
    key: withCert ? readFileSync(clientFiles.keyPath) : undefined,
    bearer: extra.bearer,
    timeoutMs: extra.timeoutMs,
  });
  closers.push(async () => client.close());
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<OctopodApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OctopodApiError);
  return error as OctopodApiError;
}

const node = { name: 'pi-1', version: '0.1.0', addr: '10.0.0.2:5000', state: 'online', connected: true };

describe('OctopodClient over HTTPS', () => {
  it('speaks mTLS with server name "octopoda" and reuses one keep-alive connection', async () => {
    const brain = await fakeBrain((_req, res) => json(res, 200, node), true);
    const client = clientFor(brain.address);
    expect(await client.getNode('pi-1')).toEqual(node);
    await client.getNode('pi-1');
    expect(brain.seen.map((s) => [s.method, s.url, s.peerCn, s.servername])).toEqual([
      ['GET', '/api/v2/nodes/pi-1', 'admin', 'octopoda'],
      ['GET', '/api/v2/nodes/pi-1', 'admin', 'octopoda'],
    ]);
    expect(new Set(brain.seen.map((s) => s.socketId)).size).toBe(1);
  });

  it('sends the bearer secret, query strings, encoded path parameters and JSON bodies', async () => {
    const brain = await fakeBrain((req, res, body) => {
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      if (req.method === 'POST')
        return json(res, 200, { online: JSON.parse(body).targets, unhealthy: [], unknown: [] });
      json(res, 200, { brain: { name: 'b', version: 'v', addr: 'a' }, nodes: [] });
    });
    const client = clientFor(brain.address, { cert: false, bearer: 's3cret' });
    await client.listNodes({ state: 'offline' });
    await client.listNodes();
    expect(await client.pruneNode('a b/c')).toBeUndefined();
    expect(await client.resolveNodes({ targets: ['@lab', 'pi-1'] })).toEqual({
      online: ['@lab', 'pi-1'],
      unhealthy: [],
      unknown: [],
    });
    expect(brain.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v2/nodes?state=offline',
      'GET /api/v2/nodes',
      'DELETE /api/v2/nodes/a%20b%2Fc',
      'POST /api/v2/nodes/resolve',
    ]);
    expect(brain.seen.every((s) => s.authorization === 'Bearer s3cret' && s.peerCn === undefined)).toBe(true);
    expect(JSON.parse(brain.seen[3].body)).toEqual({ targets: ['@lab', 'pi-1'] });
  });

  it('turns the brain error body into OctopodApiError {status, code, message}', async () => {
    const brain = await fakeBrain((req, res) => {
      if (req.url?.endsWith('/status'))
        return void res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      json(res, 404, { statusCode: 404, code: 'node_not_found', message: 'no node named ghost' });
    });
    const client = clientFor(brain.address);
    const notFound = await rejection(client.getNode('ghost'));
    expect([notFound.status, notFound.code, notFound.message]).toEqual([
      404,
      'node_not_found',
      'no node named ghost',
    ]);
    const gateway = await rejection(client.getNodeStatus('x'));
    expect([gateway.status, gateway.code, gateway.message]).toEqual([502, 'http_502', 'bad gateway']);
  });

  it('reports a refused client certificate as unreachable, naming the address', async () => {
    const brain = await fakeBrain((_req, res) => json(res, 200, node), true);
    const error = await rejection(clientFor(brain.address, { cert: false }).getNode('pi-1'));
    expect(error.code).toBe('unreachable');
    expect(error.status).toBe(0);
    expect(error.message).toContain(`brain at ${brain.address}`);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const brain = await fakeBrain((_req, res) => json(res, 200, node));
    const otherDir = makeTempDir('octopod-sdk-other-');
    closers.push(async () => otherDir.remove());
    const other = makeTestPki(otherDir.path, 'Other CA');
    const client = new OctopodClient({ address: brain.address, ca: readFileSync(other.caPath), bearer: 'x' });
    closers.push(async () => client.close());
    const error = await rejection(client.getNode('pi-1'));
    expect(error.code).toBe('unreachable');
    expect(brain.seen).toEqual([]);
  });

  it('gives up after the timeout and when nothing listens', async () => {
    const brain = await fakeBrain(() => undefined);
    const slow = await rejection(clientFor(brain.address, { timeoutMs: 200 }).health());
    expect([slow.code, slow.message]).toEqual([
      'timeout',
      `brain at ${brain.address} did not answer within 200 ms`,
    ]);
    const port = Number(brain.address.split(':')[1]);
    await closers.shift()!(); // stop the server, keep its port number
    const down = await rejection(clientFor(`127.0.0.1:${port}`).health());
    expect(down.code).toBe('unreachable');
    expect(down.message).toMatch(new RegExp(`cannot reach brain at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });
});

describe('createClientFromConfig', () => {
  async function fakeNameServer(
    entries: Record<string, string>,
  ): Promise<{ port: number; queries: string[] }> {
    const queries: string[] = [];
    const server = createHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const name = url.searchParams.get('name') ?? '';
      queries.push(`${url.pathname}?${name}`);
      const value = entries[name];
      if (value)
        json(res, 200, { msg: 'OK', entry: { key: name, type: 'addr', value, description: '', ttl: 5000 } });
      else json(res, 400, { msg: 'redis: nil' });
    });
    const address = await listen(server);
    return { port: Number(address.split(':')[1]), queries };
  }

  const configFor = (extra: object = {}) => ({
    brain: { name: 'brain', ip: '127.0.0.1', port: 1 },
    ssl: { caCert: pki.caPath, clientCert: clientFiles.certPath, clientKey: clientFiles.keyPath },
    ...extra,
  });

  it('finds the brain through the name server HTTP port and connects with the configured identity', async () => {
    const brain = await fakeBrain((_req, res) => json(res, 200, { status: 'ok' }), true);
    const ns = await fakeNameServer({ 'brain.octlFace.request': brain.address });
    const client = await createClientFromConfig(
      configFor({ httpsNameServer: { enable: true, host: '127.0.0.1', port: 1, httpPort: ns.port } }),
    );
    closers.push(async () => client.close());
    expect(client.address).toBe(brain.address);
    expect(await client.health()).toEqual({ status: 'ok' });
    expect(ns.queries).toEqual(['/query?brain.octlFace.request']);
    expect(brain.seen[0].peerCn).toBe('admin');
  });

  it('uses brain.ip:port when the name server is disabled, and the saved API token as bearer', async () => {
    const brain = await fakeBrain((_req, res) => json(res, 200, { status: 'ok' }));
    const [ip, port] = brain.address.split(':');
    const tokenFile = join(tmp.path, 'token.json');
    writeFileSync(tokenFile, JSON.stringify({ token: 'opt_saved', id: 'tok_1' }));
    const base = {
      httpsNameServer: { enable: false, host: '127.0.0.1', port: 1 },
      brain: { name: 'brain', ip, port: Number(port) },
      auth: { tokenFile },
    };
    const client = await createClientFromConfig({ ...base, ssl: { caCert: pki.caPath } });
    closers.push(async () => client.close());
    await client.health();
    expect(brain.seen[0].authorization).toBe('Bearer opt_saved');
    // A configured certificate wins: the token is not sent.
    const withCert = await createClientFromConfig(configFor(base));
    closers.push(async () => withCert.close());
    await withCert.health();
    expect(brain.seen[1]).toMatchObject({ authorization: undefined, peerCn: 'admin' });
    // Logging in needs no credentials at all.
    const missing = {
      ...base,
      ssl: { caCert: pki.caPath },
      auth: { tokenFile: join(tmp.path, 'none.json') },
    };
    const anonymous = await createClientFromConfig(missing, { anonymous: true });
    closers.push(async () => anonymous.close());
    await anonymous.health();
    expect(brain.seen[2].authorization).toBeUndefined();
    const refused = await rejection(createClientFromConfig(missing));
    expect([refused.code, refused.message]).toEqual([
      'bad_config',
      `no credentials: not logged in (no token in ${join(tmp.path, 'none.json')}); run \`octl login\`, or set ssl.clientCert/ssl.clientKey`,
    ]);
  });

  it('explains a missing registration, an unreachable name server and unreadable files', async () => {
    const ns = await fakeNameServer({});
    const missing = await rejection(
      createClientFromConfig(
        configFor({ httpsNameServer: { enable: true, host: '127.0.0.1', port: ns.port - 1 } }),
      ),
    );
    expect([missing.code, missing.message]).toEqual([
      'brain_not_registered',
      `name server at 127.0.0.1:${ns.port} has no entry brain.octlFace.request (is brain "brain" running and registered?)`,
    ]);
    await closers.pop()!();
    const down = await rejection(
      createClientFromConfig(
        configFor({ httpsNameServer: { enable: true, host: '127.0.0.1', port: 1, httpPort: ns.port } }),
      ),
    );
    expect(down.code).toBe('name_server_unreachable');
    expect(down.message).toContain(`cannot reach name server at 127.0.0.1:${ns.port}`);
    const noFile = await rejection(
      createClientFromConfig(
        configFor({ ssl: { caCert: `${tmp.path}/nope.pem` }, auth: { tokenFile: tokenFileWith('opt_x') } }),
      ),
    );
    expect([noFile.code, noFile.message]).toEqual([
      'bad_config',
      `cannot read ssl.caCert ${tmp.path}/nope.pem (ENOENT)`,
    ]);
  });
});
