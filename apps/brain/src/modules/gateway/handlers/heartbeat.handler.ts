import type { Heartbeat } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/** Answers NTP-style and remembers the figures the node measured; they reach the database in batches. */
export function heartbeatHandler(ctx: GatewayContext) {
  return async (heartbeat: Heartbeat) => {
    const t2 = Date.now();
    const { session } = ctx;
    session.lastHeartbeatAt = t2;
    session.delayMs = heartbeat.delayMs;
    session.offsetMs = heartbeat.offsetMs;
    session.offsetErrorMs = heartbeat.offsetErrorMs;
    session.activityDirty = true;
    if (session.health === 'unstable' && session.name) {
      session.health = 'online';
      await ctx.presence.setLiveness(session.name, session.holder, 'online');
    }
    return { kind: 'heartbeat.ack' as const, body: { seq: heartbeat.seq, t1: heartbeat.t1, t2, t3: Date.now() } };
  };
}
