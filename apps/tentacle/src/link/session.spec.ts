import { CloseCode, encodeChunk, type Envelope, type FileChunk, type NodeStatus } from '@octopod/protocol';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { noFiles, type FileService, type TransferLink } from '../files/file-service';
import { Session, type SessionOptions } from './session';

/** Just enough of a ws client socket: records frames, lets the test play the brain. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  readonly sent: Envelope[] = [];
  readonly binary: Buffer[] = [];
  terminated = false;
  send(data: string | Buffer) {
    if (typeof data === 'string') this.sent.push(JSON.parse(data) as Envelope);
    else this.binary.push(data);
  }
  close(code: number, reason: string) {
    this.readyState = 3;
    setImmediate(() => this.emit('close', code, Buffer.from(reason)));
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    setImmediate(() => this.emit('close', 1006, Buffer.from('')));
  }
  /** A frame from the brain. */
  deliver(kind: string, body: unknown, re?: string) {
    this.emit(
      'message',
      Buffer.from(JSON.stringify({ v: 1, id: `b${Math.random()}`, kind, re, ts: Date.now(), body })),
      false,
    );
  }
  last(kind: string): Envelope {
    const found = this.sent.filter((e) => e.kind === kind).at(-1);
    if (!found) throw new Error(`no ${kind} sent`);
    return found;
  }
}

const status: NodeStatus = {
  name: 'pi-1',
  platform: 'cpu',
  cpuCores: 1,
  localTime: '2024-01-01T00:00:00.000+00:00',
  cpuLoadShort: 0,
  cpuLoadLong: 0,
  memUsed: 0,
  memTotal: 1,
  diskUsed: 0,
  diskTotal: 1,
};

const welcome = { brainName: 'brain', brainVersion: '1.0.0', brainTime: 0, heartbeatIntervalMs: 1000 };

function makeSession(overrides: Partial<SessionOptions> = {}) {
  const socket = new FakeSocket();
  const onReady = vi.fn();
  const session = new Session({
    name: 'pi-1',
    version: '0.1.0',
    facts: { hostname: 'h', platform: 'linux', arch: 'x64', cpuCores: 1 },
    socket: socket as unknown as WebSocket,
    localAddress: '::ffff:10.1.2.3',
    status: { snapshot: async (name) => ({ ...status, name }) },
    logger: pino({ level: 'silent' }),
    helloTimeoutMs: 5000,
    deadAfterIntervals: 3,
    onReady,
    ...overrides,
  });
  return { socket, session, onReady, ended: session.start() };
}

/** Lets pending promise callbacks (Peer dispatch, handler replies) and the fake socket's close events run. */
async function flush() {
  await vi.advanceTimersByTimeAsync(0);
  await new Promise((resolve) => setImmediate(resolve));
}

describe('Session', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('says hello with its name, protocol, capabilities and local address', () => {
    const { socket } = makeSession();
    expect(socket.sent).toHaveLength(1);
    expect(socket.sent[0]).toMatchObject({
      kind: 'hello',
      body: {
        name: 'pi-1',
        version: '0.1.0',
        protocol: 1,
        capabilities: ['status', 'tasks', 'files', 'nodeapps', 'logs', 'tunnels', 'pakma'],
        facts: { addr: '10.1.2.3', hostname: 'h' },
      },
    });
  });

  it('is ready on the welcome and heartbeats at the interval the brain asked for', async () => {
    const { socket, onReady } = makeSession();
    socket.deliver('welcome', welcome, socket.sent[0].id);
    await flush();
    expect(onReady).toHaveBeenCalledWith(welcome);
    expect(socket.last('heartbeat').body).toMatchObject({
      seq: 0,
      delayMs: null,
      offsetMs: null,
      offsetErrorMs: null,
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.sent.filter((e) => e.kind === 'heartbeat')).toHaveLength(2);
  });

  it('carries the clock estimate in heartbeats after the first ack', async () => {
    const { socket, session } = makeSession();
    socket.deliver('welcome', welcome, socket.sent[0].id);
    await flush();
    const hb = socket.last('heartbeat');
    const { t1, seq } = hb.body as { t1: number; seq: number };
    await vi.advanceTimersByTimeAsync(20);
    socket.deliver('heartbeat.ack', { seq, t1, t2: t1 + 10 + 300, t3: t1 + 10 + 300 }, hb.id);
    await flush();
    expect(session.estimate).toEqual({ delayMs: 10, offsetMs: 300, offsetErrorMs: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.last('heartbeat').body).toMatchObject({
      seq: 1,
      delayMs: 10,
      offsetMs: 300,
      offsetErrorMs: 10,
    });
  });

  it('drops the link after ~3 intervals without an ack', async () => {
    const { socket, ended } = makeSession();
    socket.deliver('welcome', welcome, socket.sent[0].id);
    await flush();
    await vi.advanceTimersByTimeAsync(3000);
    expect(socket.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(socket.terminated).toBe(true);
    await flush();
    const end = await ended;
    expect(end).toMatchObject({ code: 1006, welcomed: true, configProblem: false });
    expect(end.reason).toMatch(/no heartbeat ack/);
  });

  it('answers status.get with a status reply to that request', async () => {
    const { socket } = makeSession();
    socket.deliver('welcome', welcome, socket.sent[0].id);
    socket.deliver('status.get', {}, undefined);
    await flush();
    const reply = socket.last('status');
    expect(reply.body).toEqual({ ...status, name: 'pi-1' });
    expect(reply.re).toBeDefined();
  });

  it('answers a malformed frame with an error and stays up', async () => {
    const { socket } = makeSession();
    socket.deliver('welcome', welcome, socket.sent[0].id);
    socket.emit('message', Buffer.from('{not json'), false);
    socket.deliver('status.get', { extra: 1 }, undefined);
    socket.deliver('no.such.kind', {}, undefined);
    await flush();
    const errors = socket.sent
      .filter((e) => e.kind === 'error')
      .map((e) => (e.body as { code: string }).code);
    expect(errors).toEqual(['bad_json', 'unknown_kind']);
    expect(socket.terminated).toBe(false);
  });

  it('reports an identity refusal (error then 4403) as a configuration problem', async () => {
    const { socket, ended, onReady } = makeSession();
    socket.deliver(
      'error',
      { code: 'identity_mismatch', message: 'certificate CN is pi-2' },
      socket.sent[0].id,
    );
    await flush();
    socket.close(CloseCode.identityMismatch, 'hello.name does not match certificate');
    await flush();
    const end = await ended;
    expect(onReady).not.toHaveBeenCalled();
    expect(end).toMatchObject({
      code: 4403,
      welcomed: false,
      configProblem: true,
      reason: 'hello.name does not match certificate',
    });
  });

  it('gives up when no welcome comes in time', async () => {
    const { socket, ended } = makeSession({ helloTimeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(501);
    expect(socket.terminated).toBe(true);
    await flush();
    expect((await ended).reason).toMatch(/no welcome within 500 ms/);
  });

  it('closes with 1000 when asked', async () => {
    const { socket, session } = makeSession();
    const close = vi.spyOn(socket, 'close');
    socket.deliver('welcome', welcome, socket.sent[0].id);
    await flush();
    const end = session.close();
    await flush();
    expect(close).toHaveBeenCalledWith(1000, 'tentacle stopping');
    expect(await end).toMatchObject({ code: 1000, welcomed: true });
  });

  it('routes binary frames to the transfers of the session, sends its frames as binary, aborts them on close', async () => {
    const transferId = '6f1c2b9e-0d4a-4b3c-8e2f-1a2b3c4d5e6f';
    const chunks: FileChunk[] = [];
    const aborted: string[] = [];
    let link: TransferLink | undefined;
    const files: FileService = {
      ...noFiles,
      push: async (body, transfers) => {
        link = transfers;
        transfers.table.addSink(body.transferId, {
          chunk: (chunk) => chunks.push(chunk),
          abort: (reason) => aborted.push(reason),
        });
        return { kind: 'file.ready', body: { transferId: body.transferId, offset: 0, finished: false } };
      },
    };
    const { socket, ended } = makeSession({ files });
    socket.deliver('welcome', welcome, socket.sent[0].id);
    socket.deliver('file.push', {
      invocationId: 'i-1',
      taskId: 't-1',
      transferId,
      size: 3,
      sha256: '0'.repeat(64),
      format: 'file',
      name: 'x',
      target: '@fstore',
      force: false,
      mode: null,
    });
    await flush();
    expect(socket.last('file.ready').body).toEqual({ transferId, offset: 0, finished: false });
    socket.emit('message', encodeChunk(transferId, 0, Buffer.from('abc')), true);
    socket.emit('message', encodeChunk(crypto.randomUUID(), 0, Buffer.from('x')), true);
    expect(chunks.map((c) => [c.offset, c.payload.toString(), c.intact])).toEqual([[0, 'abc', true]]);
    link?.sendBinary(Buffer.from('frame'));
    expect(socket.binary).toEqual([Buffer.from('frame')]);
    socket.terminate();
    await flush();
    await ended;
    expect(aborted).toEqual(['link closed']);
    expect(() => link?.sendBinary(Buffer.from('late'))).toThrow(/link closed/);
  });
});
