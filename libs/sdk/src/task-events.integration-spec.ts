import { createCa, issueClientCert, issueServerCert, writeCertifiedKey } from '@octopod/pki';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OctopodApiError, OctopodClient, type TaskEvent } from './index';
import type { Invocation, TaskDetail } from './generated/api';

let dir: string;
let files: {
  ca: string;
  server: { certPath: string; keyPath: string };
  client: { certPath: string; keyPath: string };
};
const closers: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octopod-sdk-sse-'));
  const ca = createCa({ commonName: 'SSE Test CA' });
  files = {
    ca: writeCertifiedKey(dir, 'ca', ca).certPath,
    server: writeCertifiedKey(dir, 'brain', issueServerCert(ca, { commonName: 'brain' })),
    client: writeCertifiedKey(dir, 'octl', issueClientCert(ca, { commonName: 'admin', role: 'admin' })),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

interface Seen {
  method: string;
  url: string;
  accept?: string;
  peerCn?: string;
  body: string;
}

async function brain(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ client: OctopodClient; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer({
    ca: readFileSync(files.ca),
    cert: readFileSync(files.server.certPath),
    key: readFileSync(files.server.keyPath),
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        accept: req.headers.accept,
        peerCn: peer.subject?.CN as string | undefined,
        body,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  const client = new OctopodClient({
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: readFileSync(files.ca),
    cert: readFileSync(files.client.certPath),
    key: readFileSync(files.client.keyPath),
    timeoutMs: 2_000,
  });
  closers.push(() => client.close());
  return { client, seen };
}

const invocation = (state: Invocation['state']): Invocation => ({
  id: 'inv-1',
  node: 'pi-1',
  state,
  acceptedAt: null,
  startedAt: null,
  endedAt: null,
  exitCode: null,
  pid: null,
  stdout: '',
  stderr: '',
  output: '',
  error: null,
});
const detail = { id: 'task-1', state: 'done', invocations: [invocation('success')] } as unknown as TaskDetail;
const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const chunk = (data: string) => ({ invocationId: 'inv-1', node: 'pi-1', stream: 'stdout', data });

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
}

const outputs = (events: TaskEvent[]): string =>
  events.map((e) => (e.type === 'output' ? e.output.data : '')).join('');

describe('OctopodClient.streamTaskEvents over HTTPS', () => {
  it('reads events written in arbitrary pieces over mTLS and resolves with the done task', async () => {
    const { client, seen } = await brain((_req, res) => {
      openStream(res);
      const text =
        ': hello\n\n' + frame('invocation', invocation('running')) + frame('output', chunk('héllo ✓\n'));
      const bytes = Buffer.from(text + frame('done', detail));
      // Byte-sized pieces split multi-byte characters; the client must still decode them whole.
      let at = 0;
      const timer = setInterval(() => {
        if (at >= bytes.length) return clearInterval(timer);
        res.write(bytes.subarray(at, at + 7));
        at += 7;
      }, 1);
    });
    const events: TaskEvent[] = [];
    const task = await client.streamTaskEvents('task-1', (e) => events.push(e));
    expect(task).toEqual(detail);
    expect(events.map((e) => e.type)).toEqual(['invocation', 'output', 'done']);
    expect(outputs(events)).toBe('héllo ✓\n');
    expect(seen.map((s) => [s.method, s.url, s.accept, s.peerCn])).toEqual([
      ['GET', '/api/v2/tasks/task-1/events', 'text/event-stream', 'admin'],
    ]);
  });

  it('reconnects once when the connection breaks, without repeating output', async () => {
    let connections = 0;
    const { client, seen } = await brain((_req, res) => {
      connections++;
      openStream(res);
      res.write(frame('invocation', invocation('running')) + frame('output', chunk('one\n')));
      if (connections === 1) return void setTimeout(() => res.socket?.destroy(), 20);
      // The replay of the new connection repeats 'one'; only 'two' is new.
      res.end(frame('output', chunk('two\n')) + frame('done', detail));
    });
    const events: TaskEvent[] = [];
    expect(await client.streamTaskEvents('task-1', (e) => events.push(e))).toEqual(detail);
    expect(outputs(events)).toBe('one\ntwo\n');
    expect(seen).toHaveLength(2);
  });

  it('rejects a broken stream after the one reconnect', async () => {
    const { client, seen } = await brain((_req, res) => {
      openStream(res);
      res.write(frame('output', chunk('x')));
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const error = (await client
      .streamTaskEvents('task-1', () => undefined)
      .catch((e) => e)) as OctopodApiError;
    expect(error.code).toBe('connection_dropped');
    expect(seen).toHaveLength(2);
  });

  it("reports the brain's errors and a body that is not an event stream", async () => {
    const { client } = await brain((req, res) => {
      const type = req.url?.includes('json') ? 'application/json' : 'application/json; charset=utf-8';
      if (req.url?.includes('json')) return void res.writeHead(200, { 'content-type': type }).end('{}');
      res
        .writeHead(404, { 'content-type': type })
        .end(JSON.stringify({ statusCode: 404, code: 'task_not_found', message: 'no task ghost' }));
    });
    const missing = (await client
      .streamTaskEvents('ghost', () => undefined)
      .catch((e) => e)) as OctopodApiError;
    expect([missing.status, missing.code, missing.message]).toEqual([404, 'task_not_found', 'no task ghost']);
    const notSse = (await client
      .streamTaskEvents('json', () => undefined)
      .catch((e) => e)) as OctopodApiError;
    expect(notSse.code).toBe('bad_response');
  });

  it('stops listening on abort and closes the connection', async () => {
    let closed: () => void = () => undefined;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const { client } = await brain((_req, res) => {
      openStream(res);
      res.write(frame('invocation', invocation('running')));
      res.on('close', () => closed());
    });
    const controller = new AbortController();
    const pending = client.streamTaskEvents('task-1', () => controller.abort(), {
      signal: controller.signal,
    });
    const error = (await pending.catch((e) => e)) as OctopodApiError;
    expect(error.code).toBe('aborted');
    await serverSawClose;
  });

  it('calls the task operations on their routes', async () => {
    const { client, seen } = await brain((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(detail));
    });
    await client.createTask({ targets: ['@lab'], command: 'uptime', align: true });
    await client.getTask('a/b');
    await client.cancelTask('task-1');
    await client.listTasks({ limit: '5', node: 'pi-1' });
    await client.listTasks();
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v2/tasks',
      'GET /api/v2/tasks/a%2Fb',
      'POST /api/v2/tasks/task-1/cancel',
      'GET /api/v2/tasks?limit=5&node=pi-1',
      'GET /api/v2/tasks',
    ]);
    expect(JSON.parse(seen[0].body)).toEqual({ targets: ['@lab'], command: 'uptime', align: true });
  });
});
