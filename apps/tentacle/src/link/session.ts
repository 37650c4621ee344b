import {
  CloseCode,
  downstreamSchemas,
  Peer,
  PROTOCOL_VERSION,
  ProtocolError,
  TransferTable,
  TunnelTable,
  upstreamSchemas,
  type ClockEstimate,
  type HeartbeatAck,
  type NodeFacts,
  type Welcome,
} from '@octopod/protocol';
import type { StatusSource } from '@octopod/host';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import { noTasks, type TaskService, type TaskUplink } from '../exec/task-service';
import { noFiles, type TransferLink, type FileService } from '../files/file-service';
import { createHandlers } from '../handlers/handler-map';
import { noLogs, type LogService } from '../logs/log-service';
import { noNodeApps, type NodeAppService } from '../nodeapps/nodeapp-service';
import { noTunnels, type TunnelService } from '../ssh/tunnel-service';
import { noPakma, type PakmaService } from '../pakma/pakma-service';
import { HeartbeatTracker } from './heartbeat';

/** Capabilities this tentacle offers (the brain sends only kinds it knows we handle). */
export const CAPABILITIES = ['status', 'tasks', 'files', 'nodeapps', 'logs', 'tunnels', 'pakma'];

export interface SessionOptions {
  name: string;
  version: string;
  facts: Omit<NodeFacts, 'addr'>;
  socket: WebSocket;
  localAddress: string;
  status: StatusSource;
  /** Runs what the brain assigns; attached to this session once it is welcomed. Default: refuses tasks. */
  tasks?: TaskService;
  /** Receives pushes, sends pulls, lists trees. Default: refuses file requests. */
  files?: FileService;
  /** Lists nodeapps. Default: refuses. */
  nodeapps?: NodeAppService;
  /** Reads this node's log files. Default: there are none (not_found). */
  logs?: LogService;
  /** Opens tunnels to local services (sshd). Default: refuses. */
  tunnels?: TunnelService;
  /** This host's pakma. Default: none (pakma commands answer status 0). */
  pakma?: PakmaService;
  logger: Logger;
  helloTimeoutMs: number;
  /** Heartbeat intervals without an ack after which the link counts as dead. */
  deadAfterIntervals: number;
  onReady(welcome: Welcome): void;
  onEstimate?(estimate: ClockEstimate): void;
}

export interface SessionEnd {
  /** Close code seen (ours or the brain's); 1006 when the connection just broke. */
  code: number;
  reason: string;
  welcomed: boolean;
  /** How long the session was welcomed, ms (0 if never). */
  welcomedForMs: number;
  /** The brain refused us for a reason retrying will not fix (identity, protocol version). */
  configProblem: boolean;
}

const CONFIG_PROBLEM_CODES: number[] = [CloseCode.identityMismatch, CloseCode.versionMismatch];

/**
 * Queued bytes above which live task output is dropped rather than buffered: a command printing without pause
 * (`yes`) must not fill the tentacle's memory. The brain sees the gap in the byte offsets; results carry the tails.
 */
const CONGESTED_BYTES = 4 * 1024 * 1024;

/** Grace for the brain to close after refusing our hello, and for our own close handshake. */
const CLOSE_GRACE_MS = 2000;

/** One connected WebSocket: hello, welcome, heartbeats, requests from the brain, until it closes. */
export class Session {
  private readonly peer: Peer<typeof downstreamSchemas, typeof upstreamSchemas>;
  private readonly log: Logger;
  private readonly tasks: TaskService;
  private readonly uplink: TaskUplink;
  private readonly transfers: TransferLink;
  private readonly tunnels: TunnelTable;
  private tracker: HeartbeatTracker | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private intervalMs = 0;
  private welcomedAt: number | undefined;
  private localReason: string | undefined;
  private refusal: string | undefined;
  private lastError: string | undefined;
  private resolveEnd!: (end: SessionEnd) => void;
  readonly ended: Promise<SessionEnd>;

  constructor(private readonly options: SessionOptions) {
    this.log = options.logger;
    this.ended = new Promise((resolve) => (this.resolveEnd = resolve));
    this.tasks = options.tasks ?? noTasks;
    this.uplink = {
      // TaskEvents ties body to kind; the compiler cannot follow that through the generic.
      send: (kind, body) => this.peer.send(kind, body as never),
      request: (kind, body, timeoutMs) => this.peer.request(kind, body, timeoutMs),
      estimate: () => this.estimate,
      congested: () => options.socket.bufferedAmount > CONGESTED_BYTES,
    };
    const { socket } = options;
    this.transfers = {
      table: new TransferTable(),
      sendBinary: (frame) => {
        if (socket.readyState !== socket.OPEN) throw new ProtocolError('closed', 'link closed');
        socket.send(frame, { binary: true });
      },
      send: (kind, body) => this.peer.send(kind, body as never),
    };
    this.tunnels = new TunnelTable({
      sendData: (header, payload) => {
        if (socket.readyState !== socket.OPEN) throw new ProtocolError('closed', 'link closed');
        socket.send(Buffer.concat([header, payload]), { binary: true });
      },
      sendAck: (body) => this.peer.send('tunnel.ack', body),
      sendClose: (body) => this.peer.send('tunnel.close', body),
    });
    this.peer = new Peer(
      options.socket,
      downstreamSchemas,
      createHandlers({
        name: options.name,
        logger: options.logger,
        status: options.status,
        tasks: this.tasks,
        files: options.files ?? noFiles,
        nodeapps: options.nodeapps ?? noNodeApps,
        logs: options.logs ?? noLogs,
        transfers: this.transfers,
        tunnels: { table: this.tunnels, service: options.tunnels ?? noTunnels },
        pakma: options.pakma ?? noPakma,
        onWelcome: (welcome) => this.applyWelcome(welcome),
        onHeartbeatAck: (ack) => this.onAck(ack),
      }),
      {
        onError: (error, envelope) =>
          this.log.warn({ kind: envelope?.kind, err: error.message }, 'bad frame or failed handler'),
      },
    );
    socket.on('message', (data, isBinary) => {
      if (!isBinary) return void this.peer.receive(data.toString());
      if (
        !this.transfers.table.receiveBinary(data as Buffer) &&
        !this.tunnels.receiveBinary(data as Buffer)
      ) {
        this.log.debug('ignoring binary frame: not a chunk of a transfer we receive');
      }
    });
    socket.on('error', (error) => (this.lastError = error.message));
    socket.once('close', (code, reason) => this.finish(code, reason.toString()));
  }

  get estimate(): ClockEstimate | null {
    return this.tracker?.estimate() ?? null;
  }

  /** Says hello; the session then runs until `ended` resolves. */
  start(): Promise<SessionEnd> {
    const { name, version, facts, localAddress, helloTimeoutMs } = this.options;
    this.peer
      .request(
        'hello',
        {
          name,
          version,
          protocol: PROTOCOL_VERSION,
          capabilities: CAPABILITIES,
          facts: { ...facts, addr: localAddress.replace(/^::ffff:/, '') },
        },
        helloTimeoutMs,
      )
      .then((reply) => {
        if (reply.kind !== 'welcome') return this.abort(`brain answered hello with ${reply.kind}`);
        this.applyWelcome(reply.body as Welcome);
      })
      .catch((error: Error) => {
        if (error instanceof ProtocolError && error.code === 'closed') return;
        if (error instanceof ProtocolError && error.code === 'remote') {
          // The brain refused us and is about to close with the real reason; give it a moment.
          this.refusal = error.message;
          this.graceTimer = setTimeout(() => this.abort(`hello refused: ${error.message}`), CLOSE_GRACE_MS);
          this.graceTimer.unref();
          return;
        }
        this.abort(
          error instanceof ProtocolError && error.code === 'timeout'
            ? `no welcome within ${helloTimeoutMs} ms`
            : error.message,
        );
      });
    return this.ended;
  }

  /** Closes the link politely; terminates it if the brain does not complete the close handshake. */
  close(code: number = CloseCode.normal, reason = 'tentacle stopping'): Promise<SessionEnd> {
    this.localReason ??= reason;
    this.stopHeartbeats();
    const { socket } = this.options;
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
      socket.close(code, reason);
      const timer = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
      timer.unref();
      void this.ended.then(() => clearTimeout(timer));
    }
    return this.ended;
  }

  private applyWelcome(welcome: Welcome): void {
    const first = this.welcomedAt === undefined;
    if (first) {
      this.welcomedAt = Date.now();
      this.tracker = new HeartbeatTracker();
    }
    if (welcome.heartbeatIntervalMs !== this.intervalMs) {
      this.intervalMs = welcome.heartbeatIntervalMs;
      this.stopHeartbeats();
      this.heartbeatTimer = setInterval(() => this.beat(), this.intervalMs);
      this.heartbeatTimer.unref();
    }
    if (first) this.options.onReady(welcome);
    // Every welcome (a new session, or the brain re-sending its settings) re-sends what awaits acknowledgement.
    this.tasks.attach(this.uplink);
    if (first) this.beat();
  }

  private beat(): void {
    const tracker = this.tracker;
    if (!tracker) return;
    const limitMs = this.options.deadAfterIntervals * this.intervalMs;
    if (tracker.silenceMs() > limitMs) {
      return this.abort(`no heartbeat ack for ${tracker.silenceMs()} ms`);
    }
    try {
      this.peer.send('heartbeat', tracker.next());
    } catch (error) {
      this.log.debug({ err: (error as Error).message }, 'heartbeat not sent');
    }
  }

  private onAck(ack: HeartbeatAck): void {
    const estimate = this.tracker?.ack(ack);
    if (estimate) this.options.onEstimate?.(estimate);
    else this.log.debug({ seq: ack.seq }, 'ignoring heartbeat.ack that matches no heartbeat');
  }

  /** Drops the connection without a close handshake (it is dead or the brain misbehaves). */
  private abort(reason: string): void {
    this.localReason ??= reason;
    this.stopHeartbeats();
    this.options.socket.terminate();
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private finish(code: number, closeReason: string): void {
    this.stopHeartbeats();
    this.tasks.detach(this.uplink);
    this.transfers.table.closeAll('link closed');
    this.tunnels.closeAll('link closed');
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.peer.close(closeReason || `closed (${code})`);
    const reason =
      [closeReason, this.refusal, this.localReason, this.lastError].find((text) => text) ??
      `connection closed (${code})`;
    this.resolveEnd({
      code,
      reason,
      welcomed: this.welcomedAt !== undefined,
      welcomedForMs: this.welcomedAt === undefined ? 0 : Date.now() - this.welcomedAt,
      configProblem: CONFIG_PROBLEM_CODES.includes(code),
    });
  }
}
