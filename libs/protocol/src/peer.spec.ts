import { describe, expect, it, vi } from 'vitest';
import { Peer, type FrameSocket, type HandlerMap } from './peer';
import { downstreamSchemas, upstreamSchemas } from './messages';
import { ProtocolError } from './codec';

type Up = typeof upstreamSchemas;
type Down = typeof downstreamSchemas;

/** Two peers wired back to back, as brain and tentacle would be over a socket. */
function pair(
  brainHandlers: Partial<HandlerMap<Up, Down>> = {},
  tentacleHandlers: Partial<HandlerMap<Down, Up>> = {},
) {
  const toTentacle: string[] = [];
  const toBrain: string[] = [];
  const brainSocket: FrameSocket & { readyState: number } = {
    readyState: 1,
    send: (d) => void toTentacle.push(d),
  };
  const tentacleSocket: FrameSocket & { readyState: number } = {
    readyState: 1,
    send: (d) => void toBrain.push(d),
  };
  const noop = () => undefined;
  const brain = new Peer<Up, Down>(brainSocket, upstreamSchemas, {
    hello: noop,
    heartbeat: noop,
    status: noop,
    error: noop,
    'task.accepted': noop,
    'task.cancel.ok': noop,
    'task.started': noop,
    'task.output': noop,
    'task.result': noop,
    'file.ready': noop,
    'file.source': noop,
    'file.ack': noop,
    'file.nack': noop,
    'file.abort': noop,
    'file.tree.result': noop,
    'nodeapp.list.result': noop,
    'log.lines': noop,
    'tunnel.opened': noop,
    'pakma.result': noop,
    'tunnel.ack': noop,
    'tunnel.close': noop,
    ...brainHandlers,
  });
  const tentacle = new Peer<Down, Up>(tentacleSocket, downstreamSchemas, {
    welcome: noop,
    'heartbeat.ack': noop,
    'status.get': noop,
    error: noop,
    'task.assign': noop,
    'task.cancel': noop,
    'task.result.ack': noop,
    'file.push': noop,
    'file.pull': noop,
    'file.read': noop,
    'file.done': noop,
    'file.ack': noop,
    'file.nack': noop,
    'file.abort': noop,
    'file.tree': noop,
    'nodeapp.list': noop,
    'log.get': noop,
    'tunnel.open': noop,
    'pakma.command': noop,
    'tunnel.ack': noop,
    'tunnel.close': noop,
    ...tentacleHandlers,
  });
  const pump = async () => {
    while (toTentacle.length || toBrain.length) {
      for (const f of toTentacle.splice(0)) await tentacle.receive(f);
      for (const f of toBrain.splice(0)) await brain.receive(f);
    }
  };
  return { brain, tentacle, pump, toBrain, toTentacle, brainSocket };
}

const status = {
  name: 'n1',
  platform: 'x',
  cpuCores: 2,
  localTime: '2026-01-01T00:00:00Z',
  cpuLoadShort: 1,
  cpuLoadLong: 1,
  memUsed: 1,
  memTotal: 2,
  diskUsed: 1,
  diskTotal: 2,
};

describe('Peer', () => {
  it('correlates a request with its reply', async () => {
    const { brain, pump } = pair({}, { 'status.get': () => ({ kind: 'status', body: status }) });
    const reply = brain.request('status.get', {});
    await pump();
    expect((await reply).body).toEqual(status);
  });

  it('turns a throwing handler into an error reply and keeps going', async () => {
    const onError = vi.fn();
    const { brain, pump } = pair(
      {},
      {
        'status.get': () => {
          throw new Error('disk on fire');
        },
      },
    );
    const reply = brain.request('status.get', {});
    await pump();
    await expect(reply).rejects.toThrow(/disk on fire/);
    expect(onError).not.toHaveBeenCalled();
  });

  it('answers a malformed frame with an error', async () => {
    const { tentacle, toBrain } = pair();
    await tentacle.receive('{"v":1,"id":"x","kind":"nope","ts":0,"body":{}}');
    expect(JSON.parse(toBrain[0] as string)).toMatchObject({
      kind: 'error',
      re: 'x',
      body: { code: 'unknown_kind' },
    });
  });

  it('times out a request with no reply', async () => {
    const { brain } = pair();
    await expect(brain.request('status.get', {}, 20)).rejects.toMatchObject({ code: 'timeout' });
  });

  it('rejects waiting requests when closed, and refuses to send after', async () => {
    const { brain } = pair();
    const reply = brain.request('status.get', {});
    brain.close('gone');
    await expect(reply).rejects.toBeInstanceOf(ProtocolError);
    expect(() => brain.send('status.get', {})).toThrow(/closed/);
  });
});
