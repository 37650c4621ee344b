import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ApiError } from '../../core/http/api-error';
import { NodeTunnels } from './node-tunnels.service';
import { TunnelTickets } from './tunnel-tickets';
import { WebSocketDuplex } from './websocket-duplex';

export const TUNNEL_PATH = '/api/v2/tunnels/';

/** Close codes of a refused tunnel WebSocket: 4000 + the HTTP status the same refusal has elsewhere. */
const closeCode = (error: Error) => 4000 + (error instanceof ApiError ? error.getStatus() : 500);

function refuseUpgrade(socket: Duplex, status: number, text: string, message: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`,
  );
}

/**
 * WebSockets at `/api/v2/tunnels/<ticket>` on the API port: `octl ssh proxy` (an ssh ProxyCommand) reaches a
 * node's sshd through one. The ticket (see TunnelTickets) is the credential: it was issued to an authenticated
 * caller for one node in its scope.
 */
@Injectable()
export class TunnelUpgrade {
  private readonly logger = new Logger('ssh');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(
    private readonly tickets: TunnelTickets,
    private readonly tunnels: NodeTunnels,
  ) {}

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node removed its own error listener when it handed the socket over: a reset must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (!path.startsWith(TUNNEL_PATH)) return refuseUpgrade(socket, 404, 'Not Found', 'no WebSocket here');
    // Tickets are base64url: taken as they are, never decoded.
    const granted = this.tickets.take(path.slice(TUNNEL_PATH.length));
    if (!granted)
      return refuseUpgrade(
        socket,
        401,
        'Unauthorized',
        'tunnel ticket unknown, used or expired: ask for a new one',
      );
    const from = `${request.socket.remoteAddress ?? ''}:${request.socket.remotePort ?? ''}`;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const stream = new WebSocketDuplex(ws);
      this.tunnels
        .open(granted.node, stream, `${granted.actor}@${from}`, (error) =>
          stream.closeWith(closeCode(error), error.message),
        )
        .catch((error: Error) =>
          this.logger.warn({ node: granted.node, error: error.message }, 'ssh proxy refused'),
        );
    });
  }
}
