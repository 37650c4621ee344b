import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TentacleSession } from '../sessions/tentacle-session';
import { NodePresenceService } from './node-presence.service';
import type { NodesRepository, SessionRecord } from './nodes.repository';

function session(name: string, fields: Partial<TentacleSession> = {}): TentacleSession {
  return {
    name,
    holder: `instance/${name}`,
    joined: true,
    health: 'online',
    lastHeartbeatAt: 1,
    delayMs: 1,
    offsetMs: 0.5,
    offsetErrorMs: 1,
    ...fields,
  } as TentacleSession;
}

describe('NodePresenceService.flush', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes changed sessions at once and the others only every few seconds', async () => {
    const writes: string[][] = [];
    const repository = {
      recordSessions: async (rows: SessionRecord[]) => void writes.push(rows.map((r) => r.name)),
    } as unknown as NodesRepository;
    const presence = new NodePresenceService(repository);
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const a = session('a');
    const b = session('b', { offsetMs: null });

    await presence.flush([a, b]);
    now += 500;
    await presence.flush([a, b]);
    a.health = 'unstable';
    b.offsetMs = 3;
    now += 500;
    await presence.flush([a, b]);
    now += 500;
    await presence.flush([a, b]);
    now += 5_000;
    await presence.flush([a, b]);

    expect(writes).toEqual([['a', 'b'], [], ['a', 'b'], [], ['a', 'b']]);
  });
});
