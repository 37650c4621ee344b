import { downstreamSchemas, type NodeStatus, type TaskAssign } from '@octopod/protocol';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
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
    },
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
});
