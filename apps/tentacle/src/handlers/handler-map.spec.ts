import {
  downstreamSchemas,
  TransferTable,
  TunnelTable,
  type NodeStatus,
  type TaskAssign,
} from '@octopod/protocol';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { noFiles, type FileService } from '../files/file-service';
import { noLogs, type LogService } from '../logs/log-service';
import { noNodeApps, type NodeAppService } from '../nodeapps/nodeapp-service';
import { noPakma } from '../pakma/pakma-service';
import { noTunnels } from '../ssh/tunnel-service';
import type { SessionContext } from './handler-context';
import { createHandlers } from './handler-map';

const status: NodeStatus = {
  name: 'pi-1',
  platform: 'cpu',
  cpuCores: 4,
  localTime: '2024-01-01T00:00:00.000+00:00',
  cpuLoadShort: 1,
  cpuLoadLong: 2,
  memUsed: 1,
  memTotal: 2,
  diskUsed: 3,
  diskTotal: 4,
};

function context(): SessionContext {
  return {
    name: 'pi-1',
    logger: pino({ level: 'silent' }),
    status: { snapshot: vi.fn(async (name: string) => ({ ...status, name })) },
    tasks: {
      assign: vi.fn(async (body: TaskAssign) => ({
        kind: 'task.accepted' as const,
        body: { invocationId: body.invocationId, duplicate: false },
      })),
      cancel: vi.fn((invocationId: string) => ({
        kind: 'task.cancel.ok' as const,
        body: { invocationId, found: true },
      })),
      acknowledge: vi.fn(),
      attach: vi.fn(),
      detach: vi.fn(),
      report: vi.fn(),
      spooledResult: vi.fn(() => undefined),
    },
    files: {
      push: vi.fn(noFiles.push),
      pull: vi.fn(noFiles.pull),
      read: vi.fn(async () => undefined),
      done: vi.fn(async () => undefined),
      abort: vi.fn(async () => undefined),
      tree: vi.fn(noFiles.tree),
    } satisfies FileService,
    nodeapps: { list: vi.fn(noNodeApps.list) } satisfies NodeAppService,
    logs: { get: vi.fn(noLogs.get) } satisfies LogService,
    transfers: { table: new TransferTable(), sendBinary: vi.fn(), send: vi.fn() },
    tunnels: {
      table: new TunnelTable({ sendData: vi.fn(), sendAck: vi.fn(), sendClose: vi.fn() }),
      service: noTunnels,
    },
    pakma: noPakma,
    onWelcome: vi.fn(),
    onHeartbeatAck: vi.fn(),
  };
}

const envelope = (kind: string, body: unknown) => ({ v: 1, id: 'x', kind, ts: 0, body }) as never;

describe('createHandlers', () => {
  it('has exactly one handler per downstream kind', () => {
    expect(Object.keys(createHandlers(context())).sort()).toEqual(Object.keys(downstreamSchemas).sort());
  });

  it('answers status.get with the status of this node', async () => {
    const ctx = context();
    const reply = await createHandlers(ctx)['status.get']({}, envelope('status.get', {}));
    expect(reply).toEqual({ kind: 'status', body: { ...status, name: 'pi-1' } });
    expect(ctx.status.snapshot).toHaveBeenCalledWith('pi-1');
  });

  it('passes acks and late welcomes to the session and answers nothing', async () => {
    const ctx = context();
    const handlers = createHandlers(ctx);
    const ack = { seq: 1, t1: 1, t2: 2, t3: 3 };
    expect(await handlers['heartbeat.ack'](ack, envelope('heartbeat.ack', ack))).toBeUndefined();
    expect(ctx.onHeartbeatAck).toHaveBeenCalledWith(ack);
    const welcome = { brainName: 'b', brainVersion: '1', brainTime: 0, heartbeatIntervalMs: 500 };
    expect(await handlers.welcome(welcome, envelope('welcome', welcome))).toBeUndefined();
    expect(ctx.onWelcome).toHaveBeenCalledWith(welcome);
  });

  it('never answers an error with an error', async () => {
    const body = { code: 'bad', message: 'no' };
    expect(await createHandlers(context()).error(body, envelope('error', body))).toBeUndefined();
  });

  it('hands task messages to the task service and answers with its replies', async () => {
    const ctx = context();
    const handlers = createHandlers(ctx);
    const assign: TaskAssign = {
      invocationId: 'i-1',
      taskId: 't-1',
      kind: 'command',
      command: 'true',
      script: null,
      background: false,
      delayMs: 0,
      startAt: null,
      maxAlignErrorMs: 5,
      timeoutMs: null,
      env: {},
      app: null,
      nodeapp: null,
    };
    expect(await handlers['task.assign'](assign, envelope('task.assign', assign))).toEqual({
      kind: 'task.accepted',
      body: { invocationId: 'i-1', duplicate: false },
    });
    expect(ctx.tasks.assign).toHaveBeenCalledWith(assign);
    const cancel = { invocationId: 'i-1' };
    expect(await handlers['task.cancel'](cancel, envelope('task.cancel', cancel))).toEqual({
      kind: 'task.cancel.ok',
      body: { invocationId: 'i-1', found: true },
    });
    const ack = { invocationIds: ['i-1', 'i-2'] };
    expect(await handlers['task.result.ack'](ack, envelope('task.result.ack', ack))).toBeUndefined();
    expect(ctx.tasks.acknowledge).toHaveBeenCalledWith(['i-1', 'i-2']);
  });

  it('hands file requests to the file service with the session transfers, acks and nacks to the table', async () => {
    const ctx = context();
    const handlers = createHandlers(ctx);
    const transferId = '0b5a3f4e-8d1c-4c2e-9a57-3f0e6b1d2c4a';
    const push = {
      invocationId: 'i-1',
      taskId: 't-1',
      transferId,
      size: 0,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      format: 'file' as const,
      name: 'a',
      target: '@fstore',
      force: true,
      mode: null,
      nodeapp: null,
    };
    expect(await handlers['file.push'](push, envelope('file.push', push))).toEqual({
      kind: 'error',
      body: { code: 'not_supported', message: 'this tentacle does not transfer files' },
    });
    expect(ctx.files.push).toHaveBeenCalledWith(push, ctx.transfers);
    const read = { transferId, offset: 5 };
    expect(await handlers['file.read'](read, envelope('file.read', read))).toBeUndefined();
    expect(ctx.files.read).toHaveBeenCalledWith(read, ctx.transfers);
    const abort = { transferId, reason: 'cancelled' };
    expect(await handlers['file.abort'](abort, envelope('file.abort', abort))).toBeUndefined();
    expect(ctx.files.abort).toHaveBeenCalledWith(abort, ctx.transfers);
    const ack = vi.spyOn(ctx.transfers.table, 'ack');
    const nack = vi.spyOn(ctx.transfers.table, 'nack');
    expect(await handlers['file.ack'](read, envelope('file.ack', read))).toBeUndefined();
    const bad = { transferId, offset: 0, reason: 'crc' };
    expect(await handlers['file.nack'](bad, envelope('file.nack', bad))).toBeUndefined();
    expect(ack).toHaveBeenCalledWith(read);
    expect(nack).toHaveBeenCalledWith(bad);
  });

  it('hands nodeapp.list to the nodeapp service and answers with its reply', async () => {
    const ctx = context();
    const list = { only: { app: 'web', scenario: 'demo' }, offset: 0, limit: 5 };
    expect(await createHandlers(ctx)['nodeapp.list'](list, envelope('nodeapp.list', list))).toEqual({
      kind: 'error',
      body: { code: 'not_supported', message: 'this tentacle keeps no nodeapps' },
    });
    expect(ctx.nodeapps.list).toHaveBeenCalledWith(list);
  });

  it('hands log.get to the log service and answers with its reply', async () => {
    const ctx = context();
    const get = { maxLines: 5, maxDaysBefore: 1 };
    expect(await createHandlers(ctx)['log.get'](get, envelope('log.get', get))).toEqual({
      kind: 'error',
      body: { code: 'not_found', message: 'this node keeps no log files (logger.path is empty)' },
    });
    expect(ctx.logs.get).toHaveBeenCalledWith(get);
  });

  it('answers tunnel.open from the tunnel service and pakma.command from the pakma service', async () => {
    const ctx = context();
    const handlers = createHandlers(ctx);
    const open = { tunnelId: '7b0c9d2e-1a2b-4c3d-8e4f-5a6b7c8d9e0f', service: 'ssh' as const };
    expect(await handlers['tunnel.open'](open, envelope('tunnel.open', open))).toEqual({
      kind: 'error',
      body: { code: 'not_found', message: 'this node offers no ssh tunnel (ssh.address is empty)' },
    });
    const state = { command: 'state' as const };
    expect(await handlers['pakma.command'](state, envelope('pakma.command', state))).toEqual({
      kind: 'pakma.result',
      body: { status: 0, body: 'Pakma request error: this tentacle has no pakma' },
    });
  });
});
