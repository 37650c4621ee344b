import type { Heartbeat } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/**
 * Answers NTP-style at once and remembers the figures the node measured; the liveness tick writes them to the
 * database in batches, so no database work sits between a heartbeat and its ack.
 */
export function heartbeatHandler(ctx: GatewayContext) {
  return (heartbeat: Heartbeat) => {
    const t2 = Date.now();
    const { session } = ctx;
    session.lastHeartbeatAt = t2;
    session.health = 'online';
    session.delayMs = heartbeat.delayMs;
    session.offsetMs = heartbeat.offsetMs;
    session.offsetErrorMs = heartbeat.offsetErrorMs;
    return {
      kind: 'heartbeat.ack' as const,
      body: { seq: heartbeat.seq, t1: heartbeat.t1, t2, t3: Date.now() },
    };
  };
}
