import {
  CloseCode,
  Peer,
  REFUSAL_HEADER,
  TransferTable,
  type UpgradeRefusalCode,
  upstreamSchemas,
  type downstreamSchemas,
  type Envelope,
  type FileAbort,
  type Heartbeat,
  type Hello,
  type HandlerMap,
  type TaskOutput,
  type TaskResult,
  type TaskStarted,
} from '@octopod/protocol';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';

/** One tentacle connection as the fake brain sees it. */
export interface FakeConnection {
  socket: WebSocket;
  peer: Peer<typeof upstreamSchemas, typeof downstreamSchemas>;
  /** CN of the client certificate presented in the TLS handshake. */
  certificateCn: string;
  hello: Promise<Hello>;
  heartbeats: Heartbeat[];
  /** `error` frames the tentacle sent us. */
  errors: Envelope[];
  started: TaskStarted[];
  outputs: TaskOutput[];
  /** Every task.result received, re-sends included. */
  results: TaskResult[];
  /** This connection's transfers: acks and nacks go to the senders the test adds, chunks to its sinks. */
  transfers: TransferTable;
  /** `file.abort` frames the tentacle sent us. */
  aborts: FileAbort[];
  closed: Promise<{ code: number; reason: string }>;
}

export interface FakeBrainOptions {
  ca: string;
  cert: string;
  key: string;
  name?: string;
  heartbeatIntervalMs?: number;
  /** Added to the brain's timestamps, to check the tentacle measures clock offset. */
  clockOffsetMs?: number;
  /** When false the fake brain never acks heartbeats. */
  ackHeartbeats?: boolean;
  /** When false the fake brain never acknowledges task results (the tentacle keeps re-sending them). */
  ackResults?: boolean;
}

/** A stand-in brain gateway: https + mTLS + ws on /tentacle, speaking `@octopod/protocol` through `Peer`. */
export class FakeBrain {
  readonly connections: FakeConnection[] = [];
  private readonly waiting: ((connection: FakeConnection) => void)[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  ackHeartbeats: boolean;
  ackResults: boolean;
  /** When set, every upgrade is refused with 403 and this reason, as the real gateway refuses a certificate. */
  refusal: { code: UpgradeRefusalCode; message: string } | undefined;
  /** Upgrades refused so far. */
  refusedCount = 0;

  private constructor(private readonly options: FakeBrainOptions) {
    this.ackHeartbeats = options.ackHeartbeats ?? true;
    this.ackResults = options.ackResults ?? true;
  }

  static async start(options: FakeBrainOptions): Promise<FakeBrain> {
    const brain = new FakeBrain(options);
    await brain.listen();
    return brain;
  }

  static fromFiles(
    paths: { caPath: string; certPath: string; keyPath: string },
    options: Omit<FakeBrainOptions, 'ca' | 'cert' | 'key'> = {},
  ) {
    return FakeBrain.start({
      ca: readFileSync(paths.caPath, 'utf8'),
      cert: readFileSync(paths.certPath, 'utf8'),
      key: readFileSync(paths.keyPath, 'utf8'),
      ...options,
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Resolves with the next connection (or one that already arrived and was not taken yet). */
  nextConnection(taken = 0): Promise<FakeConnection> {
    if (this.connections.length > taken) return Promise.resolve(this.connections[taken]);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Drops every connection without a close handshake (a crash or a network cut). */
  dropAll(): void {
    for (const client of this.wss.clients) client.terminate();
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private now(): number {
    return Date.now() + (this.options.clockOffsetMs ?? 0);
  }

  private async listen(): Promise<void> {
    const { ca, cert, key } = this.options;
    this.server = createServer({ ca, cert, key, requestCert: true, rejectUnauthorized: true });
    this.wss = new WebSocketServer({
      server: this.server,
      path: '/tentacle',
      verifyClient: (_info, done) => {
        if (!this.refusal) return done(true);
        this.refusedCount++;
        done(false, 403, this.refusal.message, { [REFUSAL_HEADER]: this.refusal.code });
      },
    });
    this.wss.on('connection', (socket, request) => {
      const cn = (request.socket as TLSSocket).getPeerCertificate().subject.CN;
      this.accept(socket, Array.isArray(cn) ? cn.join(',') : (cn ?? ''));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  private accept(socket: WebSocket, certificateCn: string): void {
    let helloReceived!: (hello: Hello) => void;
    const connection = {
      socket,
      certificateCn,
      hello: new Promise<Hello>((resolve) => (helloReceived = resolve)),
      heartbeats: [] as Heartbeat[],
      errors: [] as Envelope[],
      started: [] as TaskStarted[],
      outputs: [] as TaskOutput[],
      results: [] as TaskResult[],
      transfers: new TransferTable(),
      aborts: [] as FileAbort[],
      closed: new Promise<{ code: number; reason: string }>((resolve) =>
        socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      ),
    } as FakeConnection;
    const handlers: HandlerMap<typeof upstreamSchemas, typeof downstreamSchemas> = {
      hello: (hello) => {
        helloReceived(hello);
        if (hello.name !== certificateCn) {
          // What the real brain does: say why, then close with 4403.
          setImmediate(() =>
            socket.close(
              CloseCode.identityMismatch,
              `hello.name ${hello.name} is not certificate CN ${certificateCn}`,
            ),
          );
          return {
            kind: 'error',
            body: { code: 'identity_mismatch', message: `certificate CN is ${certificateCn}` },
          };
        }
        return {
          kind: 'welcome',
          body: {
            brainName: this.options.name ?? 'brain',
            brainVersion: '0.0.0-fake',
            brainTime: this.now(),
            heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 100,
          },
        };
      },
      heartbeat: (heartbeat) => {
        const t2 = this.now();
        connection.heartbeats.push(heartbeat);
        if (!this.ackHeartbeats) return;
        return { kind: 'heartbeat.ack', body: { seq: heartbeat.seq, t1: heartbeat.t1, t2, t3: this.now() } };
      },
      status: () => undefined,
      error: (_body, envelope) => void connection.errors.push(envelope),
      // Normally replies (settled by the peer); on their own they came too late.
      'task.accepted': () => undefined,
      'task.cancel.ok': () => undefined,
      'tunnel.opened': () => undefined,
      'pakma.result': () => undefined,
      'tunnel.ack': () => undefined,
      'tunnel.close': () => undefined,
      'task.started': (started) => void connection.started.push(started),
      'task.output': (output) => void connection.outputs.push(output),
      'task.result': (result) => {
        connection.results.push(result);
        if (!this.ackResults) return;
        return { kind: 'task.result.ack', body: { invocationIds: [result.invocationId] } };
      },
      'file.ready': () => undefined,
      'file.source': () => undefined,
      'file.tree.result': () => undefined,
      'nodeapp.list.result': () => undefined,
      'log.lines': () => undefined,
      'file.ack': (ack) => connection.transfers.ack(ack),
      'file.nack': (nack) => connection.transfers.nack(nack),
      'file.abort': (abort) => {
        connection.aborts.push(abort);
        connection.transfers.abort(abort);
      },
    };
    connection.peer = new Peer(socket, upstreamSchemas, handlers);
    socket.on('message', (data, isBinary) => {
      if (isBinary) connection.transfers.receiveBinary(data as Buffer);
      else void connection.peer.receive(data.toString());
    });
    socket.on('close', () => {
      connection.peer.close();
      connection.transfers.closeAll('link closed');
    });
    this.connections.push(connection);
    this.waiting.splice(0).forEach((resolve) => resolve(connection));
  }
}
