import {
  CloseCode,
  Peer,
  ProtocolError,
  TransferTable,
  TunnelTable,
  type BinaryLink,
  type DownstreamKind,
  type Envelope,
  type HandlerMap,
  upstreamSchemas,
  type downstreamSchemas,
} from '@octopod/protocol';
import type { z } from 'zod';
import type { WebSocket } from 'ws';

type Up = typeof upstreamSchemas;
type Down = typeof downstreamSchemas;

/** What the brain knows about one live tentacle connection. */
export class TentacleSession {
  /** Set once `hello` is accepted. */
  name: string | undefined;
  readonly connectedAt = Date.now();
  lastHeartbeatAt = Date.now();
  health: 'online' | 'unstable' = 'online';
  delayMs: number | null = null;
  offsetMs: number | null = null;
  offsetErrorMs: number | null = null;
  /** Recorded in the database (the join was written); only joined sessions are flushed. */
  joined = false;
  private peer: Peer<Up, Down> | undefined;
  /** File transfers running over this connection. */
  readonly transfers = new TransferTable();
  /** Where file chunks go: binary frames on this socket. */
  readonly binary: BinaryLink = {
    sendBinary: (frame) => {
      if (!this.isOpen) throw new ProtocolError('closed', 'link closed');
      this.socket.send(frame, { binary: true });
    },
    sendChunk: (header, payload) => {
      if (!this.isOpen) throw new ProtocolError('closed', 'link closed');
      // Two fragments of one message: the payload (shared by every node fed from the same read) is not copied.
      this.socket.send(header, { binary: true, fin: false });
      this.socket.send(payload, { binary: true, fin: true });
    },
  };

  /** Tunnels (ssh) running over this connection. */
  readonly tunnels = new TunnelTable({
    sendData: (header, payload) => this.binary.sendBinary(Buffer.concat([header, payload])),
    sendAck: (body) => this.link.send('tunnel.ack', body),
    sendClose: (body) => this.link.send('tunnel.close', body),
  });

  constructor(
    readonly socket: WebSocket,
    /** CN of the verified client certificate: the identity the node must claim. */
    readonly certificateName: string,
    readonly remoteAddress: string,
    /** `<instance id>/<connection id>`: who holds this node's connection, as recorded in the database. */
    readonly holder: string,
  ) {}

  attach(handlers: HandlerMap<Up, Down>, onError: (error: Error) => void): Peer<Up, Down> {
    this.peer = new Peer(this.socket, upstreamSchemas, handlers, { onError });
    return this.peer;
  }

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  get link(): Peer<Up, Down> {
    if (!this.peer) throw new Error('session has no link yet');
    return this.peer;
  }

  /** Sends if the link is open; a closed link is not an error here (its close is handled where it is seen). */
  trySend<K extends DownstreamKind>(kind: K, body: z.input<Down[K]>): void {
    try {
      this.link.send(kind, body);
    } catch {
      // closed meanwhile
    }
  }

  request<K extends DownstreamKind>(kind: K, body: z.input<Down[K]>, timeoutMs: number): Promise<Envelope> {
    return this.link.request(kind, body, timeoutMs);
  }

  close(code: number = CloseCode.normal, reason = ''): void {
    this.peer?.close(reason || `closed (${code})`);
    this.socket.close(code, reason.slice(0, 120));
  }

  /** No closing handshake: for a peer that stopped answering. */
  terminate(reason: string): void {
    this.peer?.close(reason);
    this.socket.terminate();
  }
}
