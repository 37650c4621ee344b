import type { Node } from '../../generated/prisma/client';

/** The node name that means the brain's own host; no tentacle may take it. */
export const BRAIN_NODE = 'brain';

export type NodeStateName = 'online' | 'unstable' | 'offline';

/** Liveness of one held connection, judged from its last heartbeat (pure: the clock is an argument). */
export function livenessOf(
  lastHeartbeatAt: number,
  now: number,
  activeTimeoutMs: number,
  recordTimeoutMs: number,
): 'healthy' | 'late' | 'dead' {
  const silence = now - lastHeartbeatAt;
  if (silence > recordTimeoutMs) return 'dead';
  if (silence > activeTimeoutMs) return 'late';
  return 'healthy';
}

/**
 * True when the judging loop itself was held up (GC, overload) for so long that heartbeats may be sitting unread:
 * judging then would drop healthy nodes.
 */
export function isStalledTick(sinceLastTickMs: number, tickMs: number, activeTimeoutMs: number): boolean {
  return sinceLastTickMs > tickMs + activeTimeoutMs;
}

/** Octopoda's internal codes (reference spec §1.6): State Ready/Disconn/Dead, ConnState On/Off. */
export function octopodaStateCodes(node: Pick<Node, 'state' | 'connected'>): {
  State: number;
  ConnState: number;
} {
  const ConnState = node.connected ? 0 : 1;
  if (node.state === 'online') return { State: 0, ConnState: 0 };
  if (node.state === 'unstable') return { State: 1, ConnState };
  return { State: 2, ConnState: 1 };
}

/** Healthy enough to take work: Octopoda's `State == Ready`. */
export function isHealthy(node: Pick<Node, 'state'>): boolean {
  return node.state === 'online';
}
