import { waitFor } from '@octopod/testing';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import pino from 'pino';
import { startBrain } from '../../bootstrap';
import { PrismaService } from '../../core/database/prisma.service';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';

const BANNER = 'SSH-2.0-StandIn\r\n';

/** A stand-in for a node's sshd: says its banner, then echoes in upper case. */
function standInSshd(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.write(BANNER);
    socket.on('data', (data) => socket.write(data.toString().toUpperCase()));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    ),
  );
}

/** A WebSocket to the brain's API port, trusting the test CA. */
function wsTo(t: TestBrain, path: string): WebSocket {
  const tls: ClientOptions & { servername: string } = {
    ca: readFileSync(t.pki.caPath),
    servername: 'octopoda',
  };
  return new WebSocket(`wss://127.0.0.1:${t.brain.apiPort}${path}`, tls);
}

/** Everything a socket receives, as text. */
function collect(socket: Socket | WebSocket): { text: () => string } {
  let text = '';
  if (socket instanceof WebSocket) socket.on('message', (data) => (text += data.toString()));
  else socket.on('data', (data) => (text += data.toString()));
  return { text: () => text };
}

describe('ssh: logins, mapped ports, tunnels, the proxylite face (real Postgres, Redis, sockets)', () => {
  let t: TestBrain;
  let sshd: { server: Server; port: number };
  const v1 = (path: string, init: { method?: string; form?: Record<string, string> } = {}) =>
    t.api(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        rootpath: '',
        currentpath: '',
        password: ROOT_PASSWORD,
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      rawBody: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });

  beforeAll(async () => {
    sshd = await standInSshd();
    t = await startTestBrain();
    t.pki.client('pi-1');
    t.pki.client('pi-2');
    await t.tentacle('pi-1', { ssh: { host: '127.0.0.1', port: sshd.port } }).join();
    await t.tentacle('pi-2').join(); // offers no ssh
  });
  afterAll(async () => {
    await t.stop();
    sshd.server.close();
  });

  it('maps a port to the node’s sshd: bytes flow both ways through the node’s link', async () => {
    const put = await t.api('/api/v2/nodes/pi-1/ssh', {
      method: 'PUT',
      body: { username: 'pi', password: 'raspberry' },
    });
    expect(put.status, put.text).toBe(200);
    const login = put.json() as { address: string; port: number; hasPassword: boolean };
    expect(login).toMatchObject({ hasPassword: true, address: `127.0.0.1:${login.port}` });
    expect(login.port).toBe(t.config.proxylite.minMapPort);
    const socket = connect(login.port, '127.0.0.1');
    const seen = collect(socket);
    await waitFor(() => seen.text() === BANNER);
    socket.write('hello node');
    await waitFor(() => seen.text() === `${BANNER}HELLO NODE`);
    socket.destroy();
  });

  it('keeps the password sealed at rest and gives it back only for one node', async () => {
    const row = await t.brain.app.get(PrismaService).sshLogin.findUnique({ where: { node: 'pi-1' } });
    expect(row?.secret).toMatch(/^v1:/);
    expect(row?.secret).not.toContain('raspberry');
    expect((await t.api('/api/v2/nodes/pi-1/ssh')).json()).toMatchObject({
      username: 'pi',
      password: 'raspberry',
    });
    const list = (await t.api('/api/v2/ssh')).json() as { logins: Array<Record<string, unknown>> };
    expect(list.logins.map((l) => l.node)).toEqual(['pi-1']);
    expect(list.logins[0]).not.toHaveProperty('password');
  });

  it('refuses bad login bodies and unknown nodes', async () => {
    const bad = await t.api('/api/v2/nodes/pi-1/ssh', { method: 'PUT', body: { username: 'a b' } });
    expect([bad.status, (bad.json() as { code: string }).code]).toEqual([400, 'bad_request']);
    const unknown = await t.api('/api/v2/nodes/nobody/ssh', { method: 'PUT', body: { username: 'x' } });
    expect([unknown.status, (unknown.json() as { code: string }).code]).toEqual([404, 'node_not_found']);
  });

  it('relays a WebSocket that presents a one-time ticket (octl ssh proxy)', async () => {
    const issued = (await t.api('/api/v2/nodes/pi-1/ssh/tunnel', { method: 'POST' })).json() as {
      path: string;
    };
    const ws = wsTo(t, issued.path);
    const seen = collect(ws);
    await new Promise((resolve) => ws.once('open', resolve));
    await waitFor(() => seen.text() === BANNER);
    ws.send(Buffer.from('over websocket'));
    await waitFor(() => seen.text() === `${BANNER}OVER WEBSOCKET`);
    ws.close();
    // The ticket was used up.
    const again = wsTo(t, issued.path);
    const status = await new Promise((resolve) =>
      again.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
    );
    expect(status).toBe(401);
  });

  it('closes the WebSocket saying why when the node has no sshd to reach', async () => {
    const issued = (await t.api('/api/v2/nodes/pi-2/ssh/tunnel', { method: 'POST' })).json() as {
      path: string;
    };
    const ws = wsTo(t, issued.path);
    const closed = await new Promise<[number, string]>((resolve) =>
      ws.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    expect(closed[0]).toBe(4404);
    expect(closed[1]).toMatch(/no ssh tunnel/);
    const offline = await t.api('/api/v2/nodes/nobody/ssh/tunnel', { method: 'POST' });
    expect([offline.status, (offline.json() as { code: string }).code]).toEqual([409, 'node_offline']);
  });

  it("lists mapped nodes to Octopoda's octl ssh ls in proxylite's wire format", async () => {
    const port = Number(t.brain.proxyliteAddr?.split(':')[1]);
    // What proxylite's DiscoverServices sends: type 4 (AskServiceReq), length, {"Prefix":""} — little-endian.
    const request = Buffer.concat([Buffer.from([4, 0, 0, 0, 13, 0, 0, 0]), Buffer.from('{"Prefix":""}')]);
    const reply = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(port, '127.0.0.1', () => socket.write(request));
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
    });
    expect(reply.readUInt32LE(0)).toBe(5);
    expect(reply.readUInt32LE(4)).toBe(reply.length - 8);
    const { Services } = JSON.parse(reply.subarray(8).toString()) as {
      Services: Array<Record<string, unknown>>;
    };
    expect(Services).toEqual([
      expect.objectContaining({
        Port: t.config.proxylite.minMapPort,
        Name: 'pi-1',
        Message: 'ssh proxy of pi-1',
        Capacity: 20,
        DeadLine: '0001-01-01T00:00:00Z',
      }),
    ]);
    // A message that is not one: proxylite's MsgMalformed (type 1).
    const malformed = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(Buffer.from([4, 0, 0, 0, 3, 0, 0, 0, 120, 120, 120])),
      );
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
    });
    expect(malformed.readUInt32LE(0)).toBe(1);
  });

  it('serves the mapped port again after a brain restart', async () => {
    await t.restart();
    await t.tentacle('pi-1', { ssh: { host: '127.0.0.1', port: sshd.port } }).join();
    const { port } = (await t.api('/api/v2/nodes/pi-1/ssh')).json() as { port: number };
    await waitFor(
      async () => {
        const socket = connect(port, '127.0.0.1');
        const seen = collect(socket);
        await new Promise((resolve) => setTimeout(resolve, 200));
        socket.destroy();
        return seen.text() === BANNER;
      },
      { timeoutMs: 15_000 },
    );
  });

  it("answers Octopoda's /ssh routes with its bodies", async () => {
    const exists = await v1('/ssh', {
      method: 'POST',
      form: { name: 'pi-1', username: 'pi', password: 'x' },
    });
    expect([exists.status, exists.json()]).toEqual([
      400,
      { Code: -1, Msg: 'service pi-1 already exists', Data: '' },
    ]);
    const info = await v1('/ssh?name=pi-1');
    expect(info.json()).toEqual({
      Ip: '127.0.0.1',
      Port: t.config.proxylite.minMapPort,
      Username: 'pi',
      Password: 'raspberry',
    });
    expect(await v1('/ssh?name=pi-1', { method: 'DELETE' }).then((r) => r.json())).toEqual({
      Code: 0,
      Msg: 'OK',
      Data: '',
    });
    expect((await v1('/ssh?name=pi-1')).status).toBe(404);
    const created = await v1('/ssh', {
      method: 'POST',
      form: { name: 'pi-1', username: 'pi', password: 'pw' },
    });
    expect([created.status, created.json()]).toEqual([
      200,
      { Code: 0, Msg: 'OK', Data: `127.0.0.1:${t.config.proxylite.minMapPort}` },
    ]);
    const bad = await v1('/ssh', { method: 'POST', form: { name: 'pi-2' } });
    expect([bad.status, bad.json()]).toEqual([400, { Code: -1, Msg: 'invalid arguments', Data: '' }]);
  });

  it('closes the port when the login is deleted', async () => {
    const { port } = (await t.api('/api/v2/nodes/pi-1/ssh')).json() as { port: number };
    expect((await t.api('/api/v2/nodes/pi-1/ssh', { method: 'DELETE' })).status).toBe(204);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''));
      socket.once('connect', () => resolve('connected'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect((await t.api('/api/v2/nodes/pi-1/ssh', { method: 'DELETE' })).status).toBe(404);
  });

  it('forgets the login and closes the port of a pruned node (a new machine of that name inherits nothing)', async () => {
    t.pki.client('gone-1');
    const gone = t.tentacle('gone-1', { ssh: { host: '127.0.0.1', port: sshd.port } });
    await gone.join();
    const put = await t.api('/api/v2/nodes/gone-1/ssh', {
      method: 'PUT',
      body: { username: 'x', password: 'y' },
    });
    const { port } = put.json() as { port: number };
    gone.socket.close();
    await waitFor(async () => (await t.api('/api/v2/nodes/gone-1', { method: 'DELETE' })).status === 204, {
      timeoutMs: 15_000,
    });
    expect((await t.api('/api/v2/nodes/gone-1/ssh')).status).toBe(404);
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''));
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });

  it('survives hostile upgrade requests: a bad escape, a reset mid-refusal', async () => {
    for (const path of ['/api/v2/tunnels/%', '/api/v2/tunnels/%E0%A4%A', '/elsewhere']) {
      const ws = wsTo(t, path);
      const status = await new Promise((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
        ws.once('error', () => resolve('error'));
      });
      expect([401, 404]).toContain(status);
    }
    const reset = wsTo(t, '/api/v2/tunnels/nothing');
    reset.once('upgrade', () => undefined);
    reset.once('error', () => undefined);
    reset.once('unexpected-response', (req) => req.destroy());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await t.api('/api/v2/ssh')).status).toBe(200);
  });

  it('opens and closes a mapped port on every API instance, each on its own address', async () => {
    // A second instance on the same Postgres and Redis, its API on another loopback address (another host, in life).
    const config = {
      ...t.config,
      octlFace: { ...t.config.octlFace, ip: '127.0.0.2', port: 0 },
      tentacleFace: { ...t.config.tentacleFace, port: 0 },
      proxylite: { ...t.config.proxylite, port: 0 },
    };
    const second = await startBrain(config, { api: true, worker: false }, pino({ level: 'silent' }));
    const probe = (port: number) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.2');
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? ''));
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
      });
    try {
      const put = await t.api('/api/v2/nodes/pi-2/ssh', { method: 'PUT', body: { username: 'lab' } });
      const { port } = put.json() as { port: number };
      await waitFor(async () => (await probe(port)) === 'connected', { timeoutMs: 10_000 });
      expect((await t.api('/api/v2/nodes/pi-2/ssh', { method: 'DELETE' })).status).toBe(204);
      await waitFor(async () => (await probe(port)) === 'ECONNREFUSED', { timeoutMs: 10_000 });
    } finally {
      await second.close();
    }
  });
});
