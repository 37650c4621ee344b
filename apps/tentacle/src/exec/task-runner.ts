import type { TaskAssign, TaskResult, TaskStarted } from '@octopod/protocol';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { NodeApps } from '../nodeapps/node-apps';
import {
  NodeAppInvocation,
  type NodeAppInvocationHost,
  type NodeAppTask,
} from '../nodeapps/nodeapp-invocation';
import { FileJournal, MemoryJournal, type InvocationJournal } from '../state/journal';
import { FileSpool, MemorySpool, type ResultSpool } from '../state/spool';
import { decideAlignment } from './alignment';
import type { OctopodaPaths } from './environment';
import { Invocation, type InvocationHost, type RunningInvocation } from './invocation';
import { KILL_GRACE_MS } from './managed-process';
import { RESTARTED_ERROR, resultWithoutProcess } from './result';
import { pickShell } from './shell';
import {
  assignError,
  type AssignReply,
  type CancelReply,
  type TaskEvents,
  type TaskService,
  type TaskUplink,
} from './task-service';

interface CommonOptions {
  nodeName: string;
  logger?: Logger;
  /** How long to wait for `task.result.ack`, and how long after a failed send to try again, ms. */
  resultTimeoutMs?: number;
  resultRetryMs?: number;
}

export interface ExecutingOptions extends CommonOptions {
  simulate?: false;
  paths: Omit<OctopodaPaths, 'nodeName'>;
  /** Journal and spool live here (`journal.log`, `results/`). */
  stateDir: string;
  /** The environment commands inherit (the tentacle's own). */
  baseEnv: NodeJS.ProcessEnv;
  configEnv: readonly { key: string; value: string }[];
  shell?: string;
  killGraceMs?: number;
  /** The nodeapps scenario scripts run in and `nodeapp` tasks change; default: those of `paths.workspaceRoot`. */
  nodeapps?: NodeApps;
}

/**
 * Answers every assign at once with accepted, started and a success with stdout "hi\n", spawning nothing and
 * touching no disk: the swarm's way to take part in fan-out benchmarks.
 */
export interface SimulatedOptions extends CommonOptions {
  simulate: true;
}

export type TaskRunnerOptions = ExecutingOptions | SimulatedOptions;

const SIMULATED_STDOUT = 'hi\n';

/**
 * The tentacle's side of remote execution: accepts each invocation id once (journal), runs it, streams its
 * output and keeps its result on disk (spool) until the brain acknowledges it, re-sending after each welcome.
 */
export class TaskRunner implements TaskService {
  private readonly log: Logger;
  private readonly journal: InvocationJournal;
  private readonly spool: ResultSpool;
  private readonly host: InvocationHost | undefined;
  private readonly nodeAppHost: NodeAppInvocationHost | undefined;
  private readonly running = new Map<string, RunningInvocation>();
  /** The task of each invocation accepted since start and not yet acknowledged: every log line about it names it. */
  private readonly taskIds = new Map<string, string>();
  /** Results sent and not yet answered, with the uplink they went through. */
  private readonly inFlight = new Map<string, TaskUplink>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private uplink: TaskUplink | undefined;
  private stopping = false;
  /** Output chunks dropped in a row because the link was congested (logged once per run of them). */
  private droppedOutput = 0;
  private idle: (() => void) | undefined;

  constructor(private readonly options: TaskRunnerOptions) {
    this.log = options.logger ?? pino({ level: 'silent' });
    if (options.simulate) {
      this.journal = new MemoryJournal();
      this.spool = new MemorySpool();
      return;
    }
    this.journal = FileJournal.open(options.stateDir);
    this.spool = new FileSpool(join(options.stateDir, 'results'), (file, reason) =>
      this.log.warn({ file, reason }, 'dropping an unreadable spooled result'),
    );
    const nodeapps =
      options.nodeapps ??
      new NodeApps({ workspaceRoot: options.paths.workspaceRoot, nodeName: options.nodeName });
    const started = (event: TaskStarted) => this.emit('task.started', event);
    const finished = (result: TaskResult) => this.complete(result);
    this.nodeAppHost = { change: (ref, op) => nodeapps.change(ref, op), started, finished };
    this.host = {
      shell: options.shell ?? pickShell(),
      paths: { ...options.paths, nodeName: options.nodeName },
      scriptsDir: join(options.paths.workspaceRoot, 'scripts'),
      baseEnv: options.baseEnv,
      configEnv: options.configEnv,
      killGraceMs: options.killGraceMs,
      openApp: (ref) => nodeapps.open(ref),
      started,
      output: (event) => this.emit('task.output', event),
      finished,
    };
    this.recover();
  }

  /** Invocations running or waiting to start. */
  get active(): number {
    return this.running.size;
  }

  /** Results not acknowledged yet. */
  get spooled(): TaskResult[] {
    return this.spool.list();
  }

  async assign(body: TaskAssign): Promise<AssignReply> {
    const id = body.invocationId;
    if (this.journal.has(id)) {
      // Seen before: never run again. If its result is still waiting, the brain evidently lacks it.
      const result = this.spool.get(id);
      if (result) setImmediate(() => this.send(result));
      return accepted(id, true);
    }
    if (this.stopping) return assignError('not_supported', 'the tentacle is stopping');
    if (body.kind === 'script' && !body.script)
      return assignError('bad_request', 'a script task needs `script`');
    if (body.kind === 'nodeapp' && (!body.app || !body.nodeapp))
      return assignError('bad_request', 'a nodeapp task needs `app` and `nodeapp`');
    if (this.options.simulate) {
      await this.journal.accept(id);
      setImmediate(() => this.simulate(id));
      return accepted(id, false);
    }
    this.taskIds.set(id, body.taskId);
    let localStartAt: number | null = null;
    if (body.startAt !== null) {
      const estimate = this.uplink?.estimate() ?? null;
      const decision = decideAlignment(body.startAt, body.maxAlignErrorMs, estimate, Date.now());
      if (!decision.ok) {
        this.log.warn({ ...this.about(id), reason: decision.reason }, 'aligned start refused');
        this.taskIds.delete(id);
        return assignError('align_refused', decision.reason);
      }
      localStartAt = decision.localStartAt;
    }
    try {
      await this.journal.accept(id);
    } catch (error) {
      this.log.error({ ...this.about(id), err: (error as Error).message }, 'cannot journal an invocation');
      this.taskIds.delete(id);
      return assignError('journal_failed', `cannot record the invocation: ${(error as Error).message}`);
    }
    const invocation = this.invocationOf(body);
    this.running.set(id, invocation);
    invocation.schedule(localStartAt);
    this.log.info({ ...this.about(id), kind: body.kind, background: body.background }, 'task accepted');
    return accepted(id, false);
  }

  private invocationOf(body: TaskAssign): RunningInvocation {
    if (body.kind === 'nodeapp') {
      return new NodeAppInvocation(body as NodeAppTask, this.nodeAppHost as NodeAppInvocationHost);
    }
    return new Invocation(body, this.host as InvocationHost);
  }

  cancel(invocationId: string): CancelReply {
    const found = this.running.get(invocationId)?.cancel('cancel') ?? false;
    return { kind: 'task.cancel.ok', body: { invocationId, found } };
  }

  acknowledge(invocationIds: readonly string[]): void {
    for (const id of invocationIds) {
      this.spool.remove(id);
      this.inFlight.delete(id);
      this.taskIds.delete(id);
    }
  }

  attach(uplink: TaskUplink): void {
    this.uplink = uplink;
    for (const result of this.spool.list()) this.send(result);
  }

  detach(uplink: TaskUplink): void {
    if (this.uplink === uplink) this.uplink = undefined;
  }

  /**
   * Stops what runs (SIGTERM to each process group, SIGKILL after the grace) and keeps their results for the
   * next start; resolves when they ended or the grace is over.
   */
  async close(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    if (this.running.size > 0) {
      const ended = new Promise<void>((resolve) => (this.idle = resolve));
      for (const invocation of [...this.running.values()]) invocation.cancel('shutdown');
      const limitMs = (this.options.simulate ? 0 : (this.options.killGraceMs ?? KILL_GRACE_MS)) + 500;
      let limit: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise((resolve) => (limit = setTimeout(resolve, limitMs)))]);
      clearTimeout(limit);
    }
    await this.journal.close();
  }

  /** Invocations that were running when the tentacle last stopped: reported failed, never run again. */
  private recover(): void {
    for (const id of this.journal.unfinishedAtOpen) {
      if (!this.spool.has(id))
        this.spool.put(resultWithoutProcess(id, 'failed', RESTARTED_ERROR, Date.now()));
      void this.journal.finish(id).catch(() => undefined);
      this.log.warn({ invocationId: id }, 'invocation interrupted by a restart: reported failed');
    }
  }

  private simulate(id: string): void {
    const now = Date.now();
    this.emit('task.started', { invocationId: id, pid: null, startedAt: now });
    this.complete({
      ...resultWithoutProcess(id, 'success', null, now),
      exitCode: 0,
      stdout: SIMULATED_STDOUT,
      startedAt: now,
    });
  }

  report(result: TaskResult): void {
    this.keep(result);
    this.send(result);
  }

  spooledResult(invocationId: string): TaskResult | undefined {
    return this.spool.get(invocationId);
  }

  private complete(result: TaskResult): void {
    const id = result.invocationId;
    this.running.delete(id);
    this.keep(result);
    this.journal.finish(id).catch((error: Error) => {
      this.log.warn({ ...this.about(id), err: error.message }, 'cannot journal the end of an invocation');
    });
    this.log.info({ ...this.about(id), state: result.state, error: result.error }, 'task finished');
    this.send(result);
    if (this.running.size === 0) this.idle?.();
  }

  private keep(result: TaskResult): void {
    try {
      this.spool.put(result);
    } catch (error) {
      // Sent anyway; only its survival across a restart is lost.
      this.log.error(
        { ...this.about(result.invocationId), err: (error as Error).message },
        'cannot spool a result',
      );
    }
  }

  private emit<K extends keyof TaskEvents>(kind: K, body: TaskEvents[K]): void {
    const uplink = this.uplink;
    if (!uplink) return;
    if (kind === 'task.output' && uplink.congested()) {
      this.droppedOutput++;
      if (this.droppedOutput === 1)
        this.log.warn('link congested: dropping live output (results keep the tails)');
      return;
    }
    this.droppedOutput = 0;
    try {
      uplink.send(kind, body);
    } catch {
      // The link is down: live events are lost, the result is not.
    }
  }

  private send(result: TaskResult): void {
    const uplink = this.uplink;
    const id = result.invocationId;
    if (!uplink || this.stopping || this.inFlight.get(id) === uplink) return;
    this.inFlight.set(id, uplink);
    uplink
      .request('task.result', result, this.options.resultTimeoutMs)
      .then((reply) => {
        if (reply.kind === 'task.result.ack') {
          this.acknowledge((reply.body as { invocationIds: string[] }).invocationIds);
        }
      })
      .catch((error: Error) => {
        this.log.debug({ ...this.about(id), err: error.message }, 'result not acknowledged yet');
      })
      .finally(() => {
        if (this.inFlight.get(id) === uplink) this.inFlight.delete(id);
        if (this.spool.has(id) && this.uplink === uplink) this.retryLater(id);
      });
  }

  /** The ids a log line about an invocation carries: its own and its task's (the brain logs the same taskId). */
  private about(invocationId: string): { invocationId: string; taskId?: string } {
    const taskId = this.taskIds.get(invocationId);
    return taskId === undefined ? { invocationId } : { invocationId, taskId };
  }

  private retryLater(id: string): void {
    if (this.stopping) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      const result = this.spool.get(id);
      if (result) this.send(result);
    }, this.options.resultRetryMs ?? 5000);
    timer.unref();
    this.retryTimers.add(timer);
  }
}

function accepted(invocationId: string, duplicate: boolean): AssignReply {
  return { kind: 'task.accepted', body: { invocationId, duplicate } };
}
