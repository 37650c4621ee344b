import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ProtocolError,
  type TaskAssign,
  type TaskOutput,
  type TaskResult,
  type TaskStarted,
} from '@octopod/protocol';
import type { Queue } from 'bullmq';
import { KEEP_JOBS, Queues } from '../../core/queue/jobs';
import type { Invocation, Task } from '../../generated/prisma/client';
import { SessionRegistry } from '../sessions/session-registry';
import type { TentacleSession } from '../sessions/tentacle-session';
import { InvocationLedger } from './invocation-ledger.service';
import { TaskEventsService } from './task-events.service';
import { TaskPacer } from './task-pacer';
import { alignedStartAt, MAX_ALIGN_ERROR_MS, type TaskOptions } from './task-options';
import { TasksRepository, type OutputChunk, type TaskWithInvocations } from './tasks.repository';

const ASSIGN_TIMEOUT_MS = 10_000;
const OUTPUT_FLUSH_MS = 200;

/**
 * How invocations of a task kind other than commands reach a connected node (file transfers): registered by the
 * module that owns the kind. `deliver` owns the invocation until it ends or is handed back with `requeue`.
 */
export interface InvocationDelivery {
  /** `requeue` hands the invocation back (the link was lost): it is delivered again when the node returns. */
  deliver(
    invocation: Invocation,
    task: Task,
    session: TentacleSession,
    requeue: () => Promise<void>,
  ): Promise<void>;
  /** The invocation was cancelled: stop whatever this delivery still does for it. */
  cancel(invocation: Invocation, session: TentacleSession | undefined): Promise<void>;
}

/**
 * Moves invocations between the database and the tentacles this brain holds: assigns them (now, when the node
 * connects, or when the task's concurrency allows), records what the nodes report, and finishes tasks. Delivery
 * is at-least-once; the tentacle's journal makes the effect exactly-once.
 */
@Injectable()
export class TaskDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('tasks');
  private pendingOutput: OutputChunk[] = [];
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pacer: TaskPacer;
  /** Tasks created in this process and not dispatched yet: their dispatch job need not read them back. */
  private readonly fresh = new Map<string, TaskWithInvocations>();
  private readonly deliveries = new Map<string, InvocationDelivery>();

  constructor(
    private readonly registry: SessionRegistry,
    private readonly tasks: TasksRepository,
    private readonly ledger: InvocationLedger,
    private readonly events: TaskEventsService,
    @InjectQueue(Queues.tasks) private readonly queue: Queue,
  ) {
    this.flushTimer = setInterval(() => void this.flushOutput(), OUTPUT_FLUSH_MS);
    this.flushTimer.unref();
    this.pacer = new TaskPacer(tasks, ledger, {
      connected: (node) => this.registry.get(node) !== undefined,
      deliver: (invocation, task) => this.deliver(invocation, task, null),
      park: (invocation, task) => this.markDelayed(invocation, task),
    });
    ledger.onEnded((taskIds) => {
      for (const taskId of taskIds) void this.pacer.wake(taskId);
    });
    ledger.onClosed((taskId) => this.pacer.forget(taskId));
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.ledger.settled();
    await this.flushOutput();
  }

  /** Invocations of tasks of `kind` go through `delivery` instead of `task.assign`. */
  registerDelivery(kind: string, delivery: InvocationDelivery): void {
    this.deliveries.set(kind, delivery);
  }

  /**
   * A delivery lost its node mid-way (the link closed): the invocation waits for the node again, with a fresh
   * delivery deadline, and is delivered anew when it returns.
   */
  async requeue(invocation: Invocation, task: Task): Promise<void> {
    const timeoutMs = (task.options as unknown as TaskOptions).deliveryTimeoutSeconds * 1000;
    const deliverBy = new Date(Date.now() + timeoutMs);
    // Changes of this invocation still in the ledger's batch land first, so none of them undoes this.
    await this.ledger.settled();
    const moved = await this.tasks.requeue(invocation.id, deliverBy, new Date());
    if (!moved) return;
    await this.ledger.publish([moved]);
    await this.queue.add(
      'delivery-timeout',
      { taskId: task.id },
      { jobId: `delivery-timeout-${task.id}-${deliverBy.getTime()}`, delay: timeoutMs, ...KEEP_JOBS },
    );
    // The node may be back already (a quick reconnect whose join ran before this).
    if (this.registry.get(invocation.node)?.isOpen) await this.deliver(moved, task, null);
  }

  /** Keeps a task just created for its dispatch job (for a minute at most). */
  hold(task: TaskWithInvocations): void {
    this.fresh.set(task.id, task);
    setTimeout(() => this.fresh.delete(task.id), 60_000).unref();
  }

  /** The task held for dispatch, if any (and no longer held). */
  take(taskId: string): TaskWithInvocations | undefined {
    const task = this.fresh.get(taskId);
    this.fresh.delete(taskId);
    return task;
  }

  /** Sends the invocations of a new task; an aligned task gets one brain-clock start for all. */
  async dispatch(task: TaskWithInvocations): Promise<void> {
    this.ledger.remember(task.invocations);
    const open = task.invocations.filter((i) => i.state === 'pending' || i.state === 'delayed');
    // taskId correlates this line with the nodes' own log lines about the task.
    this.logger.log({ taskId: task.id, kind: task.kind, nodes: open.map((i) => i.node) }, 'dispatching task');
    if (this.pacer.limits(task)) {
      await Promise.all(open.filter((i) => !this.registry.get(i.node)).map((i) => this.markDelayed(i, task)));
      return this.pacer.wake(task.id);
    }
    const options = task.options as unknown as TaskOptions;
    const startAt =
      options.align && task.invocations.length > 1
        ? alignedStartAt(
            Date.now(),
            task.invocations.map((i) => this.registry.get(i.node)?.delayMs ?? null),
          )
        : null;
    await Promise.all(open.map((i) => this.deliver(i, task, startAt)));
  }

  /** A node (re)joined: send what it has not started yet (as far as each task's concurrency allows). */
  async onJoin(node: string): Promise<void> {
    const undelivered = await this.tasks.undelivered(node);
    this.ledger.remember(undelivered);
    await Promise.all(
      undelivered.map((invocation) =>
        this.pacer.limits(invocation.task)
          ? this.pacer.wake(invocation.taskId)
          : this.deliver(invocation, invocation.task, null),
      ),
    );
  }

  private async deliver(invocation: Invocation, task: Task, startAt: number | null): Promise<void> {
    const session = this.registry.get(invocation.node);
    if (!session) return this.markDelayed(invocation, task);
    const custom = this.deliveries.get(task.kind);
    if (custom) return custom.deliver(invocation, task, session, () => this.requeue(invocation, task));
    try {
      await session.request('task.assign', this.assignment(invocation, task, startAt), ASSIGN_TIMEOUT_MS);
      await this.ledger.change({ id: invocation.id, acceptedAt: new Date() });
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'remote') {
        // The node refused (e.g. its clock is too uncertain for an aligned start): it never ran.
        await this.ledger.change({
          id: invocation.id,
          state: 'failed',
          from: ['pending', 'delayed'],
          endedAt: new Date(),
          error: error.message,
        });
      } else {
        this.logger.warn(
          {
            taskId: task.id,
            node: invocation.node,
            invocation: invocation.id,
            error: (error as Error).message,
          },
          'assignment not confirmed; will resend on reconnect',
        );
        await this.markDelayed(invocation, task);
      }
    }
  }

  private assignment(invocation: Invocation, task: Task, startAt: number | null): TaskAssign {
    const options = task.options as unknown as TaskOptions;
    return {
      invocationId: invocation.id,
      taskId: task.id,
      kind: task.kind === 'script' || task.kind === 'nodeapp' ? task.kind : 'command',
      command: task.command,
      script:
        task.scriptName && task.scriptContent !== null
          ? { name: task.scriptName, contentBase64: task.scriptContent }
          : null,
      background: options.background,
      delayMs: Math.round(options.delaySeconds * 1000),
      startAt,
      maxAlignErrorMs: MAX_ALIGN_ERROR_MS,
      timeoutMs: options.timeoutSeconds ? Math.round(options.timeoutSeconds * 1000) : null,
      env: options.env,
      app: options.app ?? null,
      nodeapp: options.nodeapp ?? null,
    };
  }

  /**
   * The node is not here: the invocation waits for it until its delivery deadline (set at creation, or for a
   * paced task now, when its turn came; an expiry check is scheduled for that moment).
   */
  private async markDelayed(invocation: Invocation, task: Task): Promise<void> {
    const timeoutMs = (task.options as unknown as TaskOptions).deliveryTimeoutSeconds * 1000;
    const deliverBy = invocation.deliverBy ?? new Date(Date.now() + timeoutMs);
    const moved = await this.ledger.change({
      id: invocation.id,
      state: 'delayed',
      from: ['pending', 'delayed'],
      deliverBy,
    });
    if (moved && !invocation.deliverBy) {
      const at = moved.deliverBy?.getTime() ?? deliverBy.getTime();
      await this.queue.add(
        'delivery-timeout',
        { taskId: task.id },
        { jobId: `delivery-timeout-${task.id}-${at}`, delay: Math.max(0, at - Date.now()), ...KEEP_JOBS },
      );
    }
  }

  async onStarted(node: string, started: TaskStarted): Promise<void> {
    if (!(await this.ledger.owner(node, started.invocationId))) return;
    await this.ledger.change({
      id: started.invocationId,
      state: 'running',
      from: ['pending', 'delayed'],
      pid: started.pid,
      startedAt: new Date(started.startedAt),
    });
  }

  async onOutput(node: string, output: TaskOutput): Promise<void> {
    const taskId = await this.ledger.owner(node, output.invocationId);
    if (!taskId) return;
    this.pendingOutput.push({
      invocationId: output.invocationId,
      stream: output.stream,
      offset: output.offset,
      data: output.data,
    });
    this.events.emit(taskId, {
      type: 'output',
      invocationId: output.invocationId,
      node,
      stream: output.stream,
      offset: output.offset,
      data: output.data,
    });
  }

  /** Resolves once the result is stored (the tentacle keeps it until then). */
  async onResult(node: string, result: TaskResult): Promise<void> {
    if (!(await this.ledger.owner(node, result.invocationId))) return;
    await this.flushOutput();
    await this.ledger.change({
      id: result.invocationId,
      state: result.state,
      from: ['pending', 'delayed', 'running'],
      exitCode: result.exitCode,
      pid: result.pid,
      stdout: result.stdout,
      stderr: result.stderr,
      output: result.output,
      error: result.error,
      ...(result.startedAt !== null ? { startedAt: new Date(result.startedAt) } : {}),
      endedAt: new Date(result.endedAt),
    });
  }

  /** Asks the nodes to stop what is still open of a cancelled task. */
  async cancelOnNodes(open: Invocation[]): Promise<void> {
    await Promise.all(
      open.map(async (invocation) => {
        const session = this.registry.get(invocation.node);
        for (const delivery of this.deliveries.values()) await delivery.cancel(invocation, session);
        if (!session) return;
        await session
          .request('task.cancel', { invocationId: invocation.id }, ASSIGN_TIMEOUT_MS)
          .catch((error: Error) =>
            this.logger.warn({ node: invocation.node, error: error.message }, 'cancel not confirmed'),
          );
      }),
    );
  }

  private async flushOutput(): Promise<void> {
    if (this.pendingOutput.length === 0) return;
    const chunks = this.pendingOutput;
    this.pendingOutput = [];
    try {
      await this.tasks.appendOutput(chunks);
    } catch (error) {
      this.logger.error({ error: (error as Error).message, chunks: chunks.length }, 'could not store output');
    }
  }
}
