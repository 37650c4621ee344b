import type { StatusSource } from '@octopod/host';
import { CloseCode, type ClockEstimate, type NodeFacts } from '@octopod/protocol';
import { EventEmitter } from 'node:events';
import { arch, cpus, hostname, platform } from 'node:os';
import type { Logger } from 'pino';
import type { TaskService } from '../exec/task-service';
import type { FileService } from '../files/file-service';
import type { LogService } from '../logs/log-service';
import type { TunnelService } from '../ssh/tunnel-service';
import type { PakmaService } from '../pakma/pakma-service';
import type { NodeAppService } from '../nodeapps/nodeapp-service';
import { formatAddress, type BrainAddress } from './address';
import { dial, type TlsMaterial } from './dialler';
import { LinkError } from './errors';
import { ReconnectSchedule, type ReconnectPolicy } from './reconnect-schedule';
import type { Resolver } from './resolver';
import { Session, type SessionEnd } from './session';

export interface LinkOptions {
  name: string;
  version: string;
  resolve: Resolver;
  tls: TlsMaterial;
  reconnect: ReconnectPolicy;
  status: StatusSource;
  /** Runs what the brain assigns, across sessions. Default: refuses tasks. */
  tasks?: TaskService;
  /** Receives pushes and sends pulls, across sessions. Default: refuses file requests. */
  files?: FileService;
  /** Lists this node's nodeapps. Default: refuses. */
  nodeapps?: NodeAppService;
  /** Reads this node's log files. Default: there are none. */
  logs?: LogService;
  tunnels?: TunnelService;
  pakma?: PakmaService;
  logger: Logger;
  /** Host facts sent in hello (the local address is added per connection). */
  facts?: Omit<NodeFacts, 'addr'>;
  helloTimeoutMs?: number;
  dialTimeoutMs?: number;
  /** Heartbeat intervals without an ack after which the link counts as dead. */
  deadAfterIntervals?: number;
  random?: () => number;
}

export interface ReadyEvent {
  brainName: string;
  brainVersion: string;
  address: string;
  localAddress: string;
  heartbeatIntervalMs: number;
}

export interface DownEvent extends SessionEnd {
  address: string;
}

export interface LinkEvents {
  ready: [ReadyEvent];
  down: [DownEvent];
  /** A connection attempt failed before any session (resolution, TLS, HTTP upgrade). */
  failed: [{ code: string; message: string }];
  retry: [{ attempt: number; delayMs: number }];
  /** The brain revoked this node; the link has stopped for good (only a new enrolment helps). */
  revoked: [{ reason: string }];
  estimate: [ClockEstimate];
}

/** What one connection attempt tells the next. */
interface AttemptOutcome {
  /** How long the session was welcomed (0 if there was none). */
  welcomedForMs: number;
  /** The brain refused us for a reason retrying will not fix: wait the longest backoff each time. */
  configProblem: boolean;
  /** Set when the brain revoked this node: the link stops. */
  revoked?: string;
}

const NOTHING_STARTED: AttemptOutcome = { welcomedForMs: 0, configProblem: false };

export function hostFacts(): Omit<NodeFacts, 'addr'> {
  return { hostname: hostname(), platform: platform(), arch: arch(), cpuCores: cpus().length };
}

/**
 * The tentacle's self-healing link to the brain: resolve, dial, hello, heartbeats; on any loss, wait a jittered,
 * capped backoff and start over, forever, until stopped.
 */
export class Link {
  readonly events = new EventEmitter<LinkEvents>();
  private readonly log: Logger;
  private readonly schedule: ReconnectSchedule;
  private readonly abort = new AbortController();
  private session: Session | undefined;
  private running: Promise<void> | undefined;
  private welcomed = false;

  constructor(private readonly options: LinkOptions) {
    this.log = options.logger;
    this.schedule = new ReconnectSchedule(options.reconnect, options.random);
  }

  /** True while a welcomed session is up. */
  get connected(): boolean {
    return this.welcomed;
  }

  get estimate(): ClockEstimate | null {
    return this.session?.estimate ?? null;
  }

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  /** Resolves when the link has given up for good: after `stop()`, or once the brain revoked this node. */
  whenDone(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Closes the link with 1000 and ends the loop; resolves once the socket is gone. */
  async stop(): Promise<void> {
    if (this.abort.signal.aborted) return this.running;
    this.abort.abort();
    await this.session?.close(CloseCode.normal, 'tentacle stopping');
    await this.running;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const outcome = await this.attempt();
      if (this.stopped) break;
      if (outcome.revoked !== undefined) {
        this.giveUp(outcome.revoked);
        break;
      }
      this.schedule.ended(outcome.welcomedForMs, { configProblem: outcome.configProblem });
      const attempt = this.schedule.attempts;
      const delayMs = this.schedule.nextDelayMs();
      this.events.emit('retry', { attempt, delayMs });
      this.log.debug({ attempt, delayMs }, 'reconnecting after backoff');
      await sleep(delayMs, this.abort.signal);
    }
  }

  /** One resolve + dial + session; resolves with what the next attempt should know. */
  private async attempt(): Promise<AttemptOutcome> {
    const { options } = this;
    let address: BrainAddress;
    try {
      address = await options.resolve(this.abort.signal);
      const open = await dial(address, options.tls, {
        timeoutMs: options.dialTimeoutMs ?? 10_000,
        signal: this.abort.signal,
      });
      if (this.stopped) {
        open.socket.close(CloseCode.normal, 'tentacle stopping');
        return NOTHING_STARTED;
      }
      const session = new Session({
        name: options.name,
        version: options.version,
        facts: options.facts ?? hostFacts(),
        socket: open.socket,
        localAddress: open.localAddress,
        status: options.status,
        tasks: options.tasks,
        files: options.files,
        nodeapps: options.nodeapps,
        logs: options.logs,
        tunnels: options.tunnels,
        pakma: options.pakma,
        logger: options.logger,
        helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
        deadAfterIntervals: options.deadAfterIntervals ?? 3,
        onReady: (welcome) => {
          this.welcomed = true;
          const event: ReadyEvent = {
            brainName: welcome.brainName,
            brainVersion: welcome.brainVersion,
            address: formatAddress(address),
            localAddress: open.localAddress,
            heartbeatIntervalMs: welcome.heartbeatIntervalMs,
          };
          this.log.info(
            {
              brain: event.brainName,
              address: event.address,
              heartbeatIntervalMs: event.heartbeatIntervalMs,
            },
            'ready',
          );
          this.events.emit('ready', event);
        },
        onEstimate: (estimate) => this.events.emit('estimate', estimate),
      });
      this.session = session;
      const end = await session.start();
      this.session = undefined;
      this.welcomed = false;
      this.reportEnd(end, formatAddress(address));
      if (end.code === CloseCode.revoked) return { ...NOTHING_STARTED, revoked: end.reason };
      return { welcomedForMs: end.welcomedForMs, configProblem: end.configProblem };
    } catch (error) {
      if (this.stopped) return NOTHING_STARTED;
      const code = error instanceof LinkError ? error.code : 'dial_failed';
      const message = (error as Error).message;
      this.events.emit('failed', { code, message });
      if (code === 'revoked') return { ...NOTHING_STARTED, revoked: message };
      if (code === 'refused') {
        this.log.error({ code, reason: message }, 'brain refused this tentacle');
        return { ...NOTHING_STARTED, configProblem: true };
      }
      this.log.warn({ code, reason: message }, 'cannot reach brain');
      return NOTHING_STARTED;
    }
  }

  private giveUp(reason: string): void {
    this.log.error(
      { code: 'revoked', reason, name: this.options.name },
      "the brain revoked this node's certificate; not reconnecting. To bring it back, make a new join token " +
        `('octl node token create --name ${this.options.name}') and run 'tentacle join --token <token>' on this node`,
    );
    this.events.emit('revoked', { reason });
  }

  private reportEnd(end: SessionEnd, address: string): void {
    if (end.configProblem) {
      this.log.error(
        { code: end.code, reason: end.reason, name: this.options.name },
        end.code === CloseCode.identityMismatch
          ? 'brain refused this tentacle: its name does not match the client certificate CN (fix tentacle.yaml name or ssl.clientCert)'
          : 'brain refused this tentacle: protocol version mismatch (upgrade the tentacle or the brain)',
      );
    }
    if (!this.stopped || end.welcomed) {
      const level = this.stopped ? 'info' : 'warn';
      this.log[level]({ code: end.code, reason: end.reason, address, welcomed: end.welcomed }, 'link down');
    }
    this.events.emit('down', { ...end, address });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
