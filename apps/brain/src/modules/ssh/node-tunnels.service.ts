import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../core/http/api-error';
import { askSession } from '../sessions/ask-node';
import { SessionRegistry } from '../sessions/session-registry';

/** How long a node may take to reach its sshd. */
const OPEN_TIMEOUT_MS = 15_000;

/** Relays a byte stream (a client of a mapped port, `octl ssh proxy`) to a node's sshd over its link. */
@Injectable()
export class NodeTunnels {
  private readonly logger = new Logger('ssh');

  constructor(private readonly registry: SessionRegistry) {}

  /**
   * Opens a tunnel from `stream` to the node's sshd; resolves once bytes flow both ways. On failure the stream is
   * destroyed (after `onRefused`, so a WebSocket can say why as it closes) and the error says why: 409
   * node_offline, 404 no_ssh, 429 ssh_busy, 502 ssh_unreachable, 504 node_timeout.
   */
  async open(node: string, stream: Duplex, from: string, onRefused?: (error: Error) => void): Promise<void> {
    const session = this.registry.get(node);
    if (!session) {
      const error = new ApiError(409, 'node_offline', `node ${node} is not connected`);
      onRefused?.(error);
      stream.destroy();
      throw error;
    }
    const tunnelId = randomUUID();
    // Open our end first: the node's first bytes (sshd's banner) may arrive before its reply.
    const end = session.tunnels.open(tunnelId, stream, {
      deferStart: true,
      onEnd: (reason) =>
        this.logger.log({ node, tunnelId, from, ...(reason ? { reason } : {}) }, 'ssh tunnel closed'),
    });
    try {
      await askSession(
        session,
        node,
        { kind: 'tunnel.open', body: { tunnelId, service: 'ssh' }, timeoutMs: OPEN_TIMEOUT_MS },
        {
          not_found: (message) => new ApiError(404, 'no_ssh', message),
          busy: (message) => new ApiError(429, 'ssh_busy', message),
          unreachable: (message) => new ApiError(502, 'ssh_unreachable', message),
        },
      );
    } catch (error) {
      onRefused?.(error as Error);
      end.close((error as Error).message);
      throw error;
    }
    // The client left while the node was connecting: its end is closed already, so tell the node to close too.
    if (end.ended) return void session.trySend('tunnel.close', { tunnelId, reason: 'client gone' });
    end.start();
    this.logger.log({ node, tunnelId, from }, 'ssh tunnel opened');
  }
}
