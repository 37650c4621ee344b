import { Logger } from '@nestjs/common';
import type { Invocation, InvocationState, Task } from '../../generated/prisma/client';
import { InvocationLedger } from './invocation-ledger.service';
import type { TaskOptions } from './task-options';
import { TasksRepository } from './tasks.repository';

export interface PacerHooks {
  connected(node: string): boolean;
  /** Hands an invocation to its node; resolves once it was accepted (or found undeliverable). */
  deliver(invocation: Invocation, task: Task): Promise<void>;
  /** Its turn came and its node is not here: it waits for the node (and its delivery deadline starts). */
  park(invocation: Invocation, task: Task): Promise<void>;
}

interface Limits {
  maxConcurrency: number | null;
  maxErrors: number | null;
}

const ERROR_STATES: InvocationState[] = ['failed', 'timed_out', 'delivery_timed_out'];
const WAITING: InvocationState[] = ['pending', 'delayed'];

function limitsOf(task: Task): Limits | null {
  const { maxConcurrency, maxErrors } = task.options as unknown as TaskOptions;
  if (maxConcurrency == null && maxErrors == null) return null;
  return { maxConcurrency: maxConcurrency ?? null, maxErrors: maxErrors ?? null };
}

/**
 * Rate control of tasks that ask for it (as SSM Run Command): at most `maxConcurrency` invocations handed out and
 * not ended at a time, and once more than `maxErrors` invocations failed, nothing more is sent — what was not
 * handed out yet is cancelled. Each task is paced by one chain of steps, woken whenever one of its invocations
 * ends or one of its nodes joins; a step reads the task afresh, so it is right after a brain restart too.
 */
export class TaskPacer {
  private readonly logger = new Logger('tasks');
  /** Task id → its limits; `null` for a task known to have none. */
  private readonly known = new Map<string, Limits | null>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();
  /** Invocations being handed out right now, by task: they hold a slot before their acceptance is stored. */
  private readonly sending = new Map<string, Set<string>>();

  constructor(
    private readonly tasks: TasksRepository,
    private readonly ledger: InvocationLedger,
    private readonly hooks: PacerHooks,
  ) {}

  /** Whether the task has limits (and so is handed out by the pacer, not all at once). */
  limits(task: Task): boolean {
    const limits = limitsOf(task);
    this.known.set(task.id, limits);
    return limits !== null;
  }

  forget(taskId: string): void {
    this.known.delete(taskId);
  }

  /** Runs a pacing step for the task after the ones under way (coalesced: one queued step at most). */
  wake(taskId: string): Promise<void> {
    if (this.known.get(taskId) === null) return Promise.resolve();
    const current = this.chains.get(taskId);
    if (current && this.queued.has(taskId)) return current;
    this.queued.add(taskId);
    const next = (current ?? Promise.resolve())
      .then(() => {
        this.queued.delete(taskId);
        return this.step(taskId);
      })
      .catch((error: Error) => this.logger.error({ task: taskId, error: error.message }, 'pacing failed'));
    this.chains.set(taskId, next);
    void next.then(() => {
      if (this.chains.get(taskId) === next) this.chains.delete(taskId);
    });
    return next;
  }

  private async step(taskId: string): Promise<void> {
    const task = await this.tasks.find(taskId);
    const limits = task && task.state === 'running' && !task.doneAt ? limitsOf(task) : null;
    if (!task || !limits) {
      this.known.set(taskId, null);
      return;
    }
    this.known.set(taskId, limits);
    const errors = task.invocations.filter((i) => ERROR_STATES.includes(i.state)).length;
    if (limits.maxErrors !== null && errors > limits.maxErrors) {
      const reason = `not sent: ${errors} nodes failed, more than the task allows (maxErrors ${limits.maxErrors})`;
      await this.ledger.publish(await this.tasks.abandonUndelivered(taskId, reason, new Date()));
      return;
    }
    if (limits.maxConcurrency === null) {
      await Promise.all(this.sendable(task).map((i) => this.send(i, task)));
      return;
    }
    const absent = task.invocations.filter(
      (i) => i.state === 'pending' && i.acceptedAt === null && !this.hooks.connected(i.node),
    );
    await Promise.all(absent.map((i) => this.hooks.park(i, task)));
    const sending = this.sending.get(taskId) ?? new Set<string>();
    const busy = task.invocations.filter(
      (i) =>
        !sending.has(i.id) && (i.state === 'running' || (i.acceptedAt !== null && WAITING.includes(i.state))),
    ).length;
    const free = limits.maxConcurrency - busy - sending.size;
    for (const invocation of this.sendable(task).slice(0, Math.max(0, free)))
      void this.send(invocation, task);
  }

  /** Waiting, never handed out, not being handed out now, and its node is here. */
  private sendable(task: Task & { invocations: Invocation[] }): Invocation[] {
    const sending = this.sending.get(task.id);
    return task.invocations.filter(
      (i) =>
        WAITING.includes(i.state) &&
        i.acceptedAt === null &&
        !sending?.has(i.id) &&
        this.hooks.connected(i.node),
    );
  }

  private async send(invocation: Invocation, task: Task): Promise<void> {
    const sending = this.sending.get(task.id) ?? new Set<string>();
    this.sending.set(task.id, sending);
    sending.add(invocation.id);
    try {
      await this.hooks.deliver(invocation, task);
    } finally {
      sending.delete(invocation.id);
      if (sending.size === 0) this.sending.delete(task.id);
    }
    // Not accepted (the node left meanwhile) frees the slot for another node.
    void this.wake(task.id);
  }
}
