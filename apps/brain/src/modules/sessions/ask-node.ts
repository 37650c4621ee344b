import { ProtocolError, type downstreamSchemas, type DownstreamKind } from '@octopod/protocol';
import type { z } from 'zod';
import { ApiError } from '../../core/http/api-error';
import type { SessionRegistry } from './session-registry';
import type { TentacleSession } from './tentacle-session';

type Down = typeof downstreamSchemas;

/** How a route answers the node's own refusals, by the code the node gave (e.g. `not_found`). */
export type Refusals = Record<string, (message: string) => ApiError>;

/**
 * One request to a connected node, for a route that answers at once: its reply body, or an HTTP error — 409
 * `node_offline` (not connected), the node's refusal as `refusals` maps its code (else 502 `node_error`), 504
 * `node_timeout` (no answer, or the connection dropped).
 */
export async function askNode<K extends DownstreamKind>(
  registry: SessionRegistry,
  node: string,
  request: { kind: K; body: z.input<Down[K]>; timeoutMs: number },
  refusals: Refusals = {},
): Promise<unknown> {
  const session = registry.get(node);
  if (!session) throw new ApiError(409, 'node_offline', `node ${node} is not connected`);
  return askSession(session, node, request, refusals);
}

/** `askNode` on a session already in hand (so a reconnect in between cannot switch sessions under the caller). */
export async function askSession<K extends DownstreamKind>(
  session: TentacleSession,
  node: string,
  request: { kind: K; body: z.input<Down[K]>; timeoutMs: number },
  refusals: Refusals = {},
): Promise<unknown> {
  try {
    return (await session.request(request.kind, request.body, request.timeoutMs)).body;
  } catch (error) {
    if (error instanceof ProtocolError && error.code === 'remote') {
      // The node's error reply reads `<code>: <message>`.
      const [code, ...rest] = error.message.split(': ');
      const message = rest.join(': ') || error.message;
      throw refusals[code]?.(message) ?? new ApiError(502, 'node_error', message);
    }
    throw new ApiError(504, 'node_timeout', `node ${node} did not answer: ${(error as Error).message}`);
  }
}
