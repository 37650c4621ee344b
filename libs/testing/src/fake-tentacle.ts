import {
  ClockEstimator,
  clockSample,
  downstreamSchemas,
  Peer,
  PROTOCOL_VERSION,
  REFUSAL_HEADER,
  TunnelTable,
  type HandlerMap,
  type Reply,
  type NodeStatus,
  type PakmaCommand,
  type PakmaResult,
  type TaskAssign,
  type TaskResult,
  type upstreamSchemas,
  type Welcome,
} from '@octopod/protocol';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { FakeFiles, type FakeFilesOptions } from './fake-files';
import { FakeNodeApps, type FakeNodeAppsOptions } from './fake-nodeapps';
import { WebSocket, type ClientOptions } from 'ws';

type Up = typeof upstreamSchemas;
type Down = typeof downstreamSchemas;

const refusal = (code: string, message: string) => ({ kind: 'error' as const, body: { code, message } });

export interface FakeTentacleOptions {
  /** wss URL of the brain gateway, e.g. wss://127.0.0.1:3457/tentacle */
  url: string;
  caPath: string;
  /** Client certificate files; omit both to connect without a certificate. */
  certPath?: string;
  keyPath?: string;
  /** The name claimed in hello (may differ from the certificate's CN on purpose). */
  name: string;
  addr?: string;
  /** Send heartbeats automatically at the brain's interval (default true). */
  heartbeats?: boolean;
  /**
   * How an assignment "runs" (nothing is spawned): a result to report, or `hold` to keep it running until the
   * brain cancels it. Default: success, stdout `ran: <command>\n`.
   */
  execute?: (assign: TaskAssign) => Partial<TaskResult> | 'hold';
  /** How file requests are answered (pushes are received into memory). */
  files?: FakeFilesOptions;
  /**
   * How nodeapps behave (kept in memory, see FakeNodeApps). `nodeapp` tasks are answered by them, never by
   * `execute`; scripts and commands with `app` run through `execute` as any other.
   */
  nodeapps?: FakeNodeAppsOptions;
  /** The node's log, oldest line first, that `log.get` answers from; default a few JSON lines naming the node. */
  logs?: string[];
  /** Where `tunnel.open` connects (a test's TCP server standing in for sshd); omitted: tunnels are refused. */
  ssh?: { host: string; port: number };
  /** The version said in hello (default `fake-1.0`): what the brain records as the node's tentacle version. */
  version?: string;
  /** How this node's pakma answers `pakma.command`; omitted: as a node without pakma (status 0). */
  pakma?: (command: PakmaCommand) => PakmaResult | Promise<PakmaResult>;
}

/** What `log.get` with `maxLines: 0` returns, as a real tentacle. */
const DEFAULT_LOG_LINES = 30;

/**
 * A scriptable tentacle over a real mTLS WebSocket, for brain tests: says hello, heartbeats on request or
 * automatically, answers status.get, and records what the brain sent.
 */
export class FakeTentacle {
  readonly socket: WebSocket;
  readonly peer: Peer<Down, Up>;
  readonly received: string[] = [];
  readonly clock = new ClockEstimator();
  welcome: Welcome | undefined;
  /** Every task.assign received, duplicates included. */
  readonly assigned: TaskAssign[] = [];
  /** Invocation ids the brain acknowledged. */
  readonly acked: string[] = [];
  /** Invocation ids run (once each, as a real tentacle's journal guarantees). */
  readonly ran: string[] = [];
  private readonly held = new Set<string>();
  /** File transfers: pushes received, pulls offered. */
  readonly files: FakeFiles;
  /** Nodeapps: versions (`nodeapps.get('app@scen')`, newest first), scripts run in them. */
  readonly nodeapps: FakeNodeApps;
  /** The node's log lines (`options.logs`, or a default), oldest first: `log.get` answers the last of them. */
  readonly logs: string[];
  /** Tunnels (ssh) open over this link. */
  readonly tunnels: TunnelTable;
  closed: { code: number; reason: string } | undefined;
  /** Set when the gateway refused the WebSocket upgrade (HTTP status, its refusal header, body message). */
  refused: { status: number; code: string; message: string } | undefined;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;
  readonly opened: Promise<void>;

  constructor(private readonly options: FakeTentacleOptions) {
    const tls: ClientOptions & { servername: string } = {
      ca: readFileSync(options.caPath),
      cert: options.certPath ? readFileSync(options.certPath) : undefined,
      key: options.keyPath ? readFileSync(options.keyPath) : undefined,
      servername: 'octopoda',
    };
    this.socket = new WebSocket(options.url, tls);
    this.files = new FakeFiles(
      options.files ?? {},
      (kind, body) => this.trySend(kind, body),
      {
        sendBinary: (frame) => {
          if (this.socket.readyState !== WebSocket.OPEN) throw new Error('link closed');
          this.socket.send(frame, { binary: true });
        },
      },
      (invocationId, ok, error) => this.pushFinished(invocationId, ok, error),
    );
    this.nodeapps = new FakeNodeApps(options.name, options.nodeapps);
    this.logs = options.logs ?? defaultLogs(options.name);
    this.tunnels = new TunnelTable({
      sendData: (header, payload) => this.socket.send(Buffer.concat([header, payload]), { binary: true }),
      sendAck: (body) => this.peer.send('tunnel.ack', body),
      sendClose: (body) => this.peer.send('tunnel.close', body),
    });
    const handlers: HandlerMap<Down, Up> = {
      welcome: () => undefined,
      'heartbeat.ack': (ack) => void this.clock.add(clockSample(ack.t1, ack.t2, ack.t3, Date.now())),
      'status.get': () => ({ kind: 'status', body: this.status() }),
      error: () => undefined,
      'task.assign': (assign) => {
        this.assigned.push(assign);
        if (assign.kind === 'nodeapp' && (!assign.app || !assign.nodeapp)) {
          const message = 'a nodeapp task needs `app` and `nodeapp`';
          return { kind: 'error', body: { code: 'bad_request', message } };
        }
        const duplicate = this.ran.includes(assign.invocationId);
        if (!duplicate) {
          this.ran.push(assign.invocationId);
          setImmediate(() => void this.run(assign));
        }
        return { kind: 'task.accepted', body: { invocationId: assign.invocationId, duplicate } };
      },
      'task.cancel': ({ invocationId }) => {
        const found = this.held.delete(invocationId);
        if (found)
          void this.report(invocationId, {
            state: 'cancelled',
            error: 'Canceled',
            exitCode: null,
            signal: 'SIGTERM',
          });
        return { kind: 'task.cancel.ok', body: { invocationId, found } };
      },
      'task.result.ack': ({ invocationIds }) => void this.acked.push(...invocationIds),
      'file.push': (push) => this.files.push(push),
      'file.pull': (pull) => this.files.pull(pull),
      'file.read': (read) => this.files.read(read),
      'file.done': () => undefined,
      'file.ack': (ack) => this.files.transfers.ack(ack),
      'file.nack': (nack) => this.files.transfers.nack(nack),
      'file.abort': (abort) => this.files.transfers.abort(abort),
      'file.tree': (tree) => this.files.tree(tree),
      'nodeapp.list': (list) => this.nodeapps.list(list),
      'log.get': ({ maxLines }) => {
        const lines = this.logs.slice(-(maxLines > 0 ? maxLines : DEFAULT_LOG_LINES));
        return { kind: 'log.lines', body: { lines, maxDaysBefore: 0 } };
      },
      'tunnel.open': ({ tunnelId }) => this.openTunnel(tunnelId),
      'tunnel.ack': (ack) => this.tunnels.ack(ack),
      'tunnel.close': (close) => this.tunnels.close(close),
      'pakma.command': async (command) => ({
        kind: 'pakma.result',
        body: options.pakma
          ? await options.pakma(command)
          : { status: 0, body: 'Pakma request error: this node has no pakma' },
      }),
    };
    this.peer = new Peer(this.socket, downstreamSchemas, handlers);
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!this.files.transfers.receiveBinary(data as Buffer)) this.tunnels.receiveBinary(data as Buffer);
        return;
      }
      this.received.push(data.toString());
      void this.peer.receive(data.toString());
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
      // A refused upgrade: keep what the gateway said, then fail `opened` with it.
      this.socket.once('unexpected-response', (request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          const code = String(response.headers[REFUSAL_HEADER] ?? '');
          this.refused = { status: response.statusCode ?? 0, code, message: body };
          reject(new Error(`upgrade refused: ${response.statusCode} ${code}: ${body}`));
          request.destroy();
        });
      });
    });
    // Tests that never await `opened` (or close before it settles) must not see an unhandled rejection.
    this.opened.catch(() => undefined);
    this.closedPromise = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => {
        clearInterval(this.timer);
        this.peer.close('closed');
        this.files.reset();
        this.tunnels.closeAll('link closed');
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
      }),
    );
    this.socket.on('error', () => undefined);
  }

  /** `tunnel.open`: connects to `options.ssh` as a tentacle connects to its sshd. */
  private openTunnel(tunnelId: string): Promise<Reply<Up>> {
    const target = this.options.ssh;
    if (!target) return Promise.resolve(refusal('not_found', 'this node offers no ssh tunnel'));
    return new Promise((resolve) => {
      const socket = connect(target);
      socket.once('connect', () => {
        this.tunnels.open(tunnelId, socket);
        resolve({ kind: 'tunnel.opened', body: { tunnelId } });
      });
      socket.once('error', (error) => resolve(refusal('unreachable', `cannot reach sshd: ${error.message}`)));
    });
  }

  /** Opens, says hello and resolves with the welcome (rejects with the brain's error). */
  async join(): Promise<Welcome> {
    await this.opened;
    const reply = await this.peer.request('hello', {
      name: this.options.name,
      version: this.options.version ?? 'fake-1.0',
      protocol: PROTOCOL_VERSION,
      capabilities: ['status'],
      facts: {
        hostname: this.options.name,
        platform: 'linux',
        arch: 'x64',
        cpuCores: 1,
        addr: this.options.addr ?? '10.9.9.9',
      },
    });
    this.welcome = reply.body as Welcome;
    if (this.options.heartbeats !== false) {
      this.timer = setInterval(() => this.heartbeat(), this.welcome.heartbeatIntervalMs);
      this.timer.unref();
      this.heartbeat();
    }
    return this.welcome;
  }

  heartbeat(): void {
    const estimate = this.clock.estimate();
    try {
      this.peer.send('heartbeat', {
        seq: this.seq++,
        t1: Date.now(),
        delayMs: estimate?.delayMs ?? null,
        offsetMs: estimate?.offsetMs ?? null,
        offsetErrorMs: estimate?.offsetErrorMs ?? null,
      });
    } catch {
      // closed: the close promise tells
    }
  }

  private async run(assign: TaskAssign): Promise<void> {
    if (assign.kind === 'nodeapp') return this.change(assign);
    if (assign.app) this.nodeapps.ran({ ...assign, app: assign.app });
    const outcome = this.options.execute?.(assign) ?? {};
    try {
      this.peer.send('task.started', { invocationId: assign.invocationId, pid: 4242, startedAt: Date.now() });
      if (outcome === 'hold') {
        this.held.add(assign.invocationId);
        return;
      }
      const stdout = outcome.stdout ?? `ran: ${assign.command}\n`;
      if (stdout)
        this.peer.send('task.output', {
          invocationId: assign.invocationId,
          stream: 'stdout',
          offset: 0,
          data: stdout,
        });
      await this.report(assign.invocationId, { stdout, ...outcome });
    } catch {
      // link closed; a real tentacle would spool the result
    }
  }

  /** A nodeapp change: made in memory, reported as a real tentacle does (no pid, no exit code). */
  private async change(assign: TaskAssign): Promise<void> {
    const { invocationId } = assign;
    const startedAt = Date.now();
    const end = this.nodeapps.change(assign);
    const common = { exitCode: null, pid: null, startedAt, stdout: '' };
    try {
      this.peer.send('task.started', { invocationId, pid: null, startedAt });
      if ('error' in end) await this.report(invocationId, { ...common, state: 'failed', error: end.error });
      else await this.report(invocationId, { ...common, output: JSON.stringify(end.outcome) });
    } catch {
      // link closed; a real tentacle would spool the result
    }
  }

  /** A push ended: a nodeapp's is committed first, its outcome the result's output. */
  private pushFinished(invocationId: string, ok: boolean, error: string | null): void {
    const push = [...this.files.pushes.values()].find((p) => p.push.invocationId === invocationId)?.push;
    const nodeapp = push?.nodeapp;
    const output = ok && push && nodeapp ? JSON.stringify(this.nodeapps.pushed({ ...push, nodeapp })) : '';
    const state = ok ? 'success' : 'failed';
    void this.report(invocationId, { state, error, pid: null, output }).catch(() => undefined);
  }

  /** Sends a result and waits for the brain's acknowledgement. */
  async report(invocationId: string, fields: Partial<TaskResult>): Promise<void> {
    const ack = await this.peer.request('task.result', {
      invocationId,
      state: 'success',
      exitCode: 0,
      signal: null,
      stdout: '',
      stderr: '',
      output: '',
      pid: 4242,
      startedAt: Date.now(),
      endedAt: Date.now(),
      error: null,
      ...fields,
    });
    this.acked.push(...(ack.body as { invocationIds: string[] }).invocationIds);
  }

  private trySend(kind: 'file.ack' | 'file.nack', body: never): void {
    try {
      this.peer.send(kind, body);
    } catch {
      // closed: the brain resumes from what was acked
    }
  }

  /** Stops heartbeating but keeps the connection (a hung agent). */
  silence(): void {
    clearInterval(this.timer);
  }

  status(): NodeStatus {
    return {
      name: this.options.name,
      platform: 'fake cpu',
      cpuCores: 1,
      localTime: new Date().toISOString(),
      cpuLoadShort: 1,
      cpuLoadLong: 2,
      memUsed: 1,
      memTotal: 2,
      diskUsed: 3,
      diskTotal: 4,
    };
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    return this.closedPromise;
  }

  close(): Promise<{ code: number; reason: string }> {
    clearInterval(this.timer);
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING)
      this.socket.close(1000);
    return this.closedPromise;
  }
}

/** A few lines as a tentacle's pino logger writes them. */
function defaultLogs(name: string): string[] {
  const start = Date.UTC(2026, 0, 1, 8);
  const line = (offsetMs: number, fields: Record<string, unknown>) =>
    JSON.stringify({ level: 30, time: start + offsetMs, name, ...fields });
  return [
    line(0, { version: 'fake-1.0', msg: 'tentacle starting' }),
    line(1000, { brain: 'brain', msg: 'connected' }),
    line(2000, {
      invocationId: 'fake-invocation',
      taskId: 'fake-task',
      kind: 'command',
      msg: 'task accepted',
    }),
    line(3000, {
      invocationId: 'fake-invocation',
      taskId: 'fake-task',
      state: 'success',
      msg: 'task finished',
    }),
  ];
}
