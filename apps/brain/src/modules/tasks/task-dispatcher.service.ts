import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ProtocolError,
  type TaskAssign,
  type TaskOutput,
  type TaskResult,
  type TaskStarted,
} from '@octopod/protocol';
import type { Invocation, Task } from '../../generated/prisma/client';
import { SessionRegistry } from '../sessions/session-registry';
import { TaskEventsService } from './task-events.service';
import { alignedStartAt, MAX_ALIGN_ERROR_MS, type TaskOptions } from './task-options';
import { TasksRepository, type OutputChunk, type TaskWithInvocations } from './tasks.repository';

const ASSIGN_TIMEOUT_MS = 10_000;
const OUTPUT_FLUSH_MS = 200;

/**
 * Moves invocations between the database and the tentacles this brain holds: assigns them (now, or when the
 * node connects), records what the nodes report, and finishes tasks. Delivery is at-least-once; the tentacle's
 * journal makes the effect exactly-once.
 */
@Injectable()
export class TaskDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger('tasks');
  private pendingOutput: OutputChunk[] = [];
  private readonly flushTimer: NodeJS.Timeout;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly tasks: TasksRepository,
    private readonly events: TaskEventsService,
  ) {
    this.flushTimer = setInterval(() => void this.flushOutput(), OUTPUT_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushOutput();
  }

  /** Sends every invocation of a new task; an aligned task gets one brain-clock start for all. */
  async dispatch(task: TaskWithInvocations): Promise<void> {
    const options = task.options as unknown as TaskOptions;
    const startAt =
      options.align && task.invocations.length > 1
        ? alignedStartAt(
            Date.now(),
            task.invocations.map((i) => this.registry.get(i.node)?.delayMs ?? null),
          )
        : null;
    await Promise.all(
      task.invocations.filter((i) => i.state === 'pending').map((i) => this.deliver(i, task, startAt)),
    );
  }

  /** A node (re)joined: send what it has not started yet. */
  async onJoin(node: string): Promise<void> {
    for (const invocation of await this.tasks.undelivered(node)) {
      await this.deliver(invocation, invocation.task, null);
    }
  }

  private async deliver(invocation: Invocation, task: Task, startAt: number | null): Promise<void> {
    const session = this.registry.get(invocation.node);
    if (!session) return this.markDelayed(invocation, task);
    try {
      await session.request('task.assign', this.assignment(invocation, task, startAt), ASSIGN_TIMEOUT_MS);
      await this.tasks.markAccepted(invocation.id, new Date());
      const accepted = await this.tasks.findInvocation(invocation.id);
      if (accepted) this.events.emit(task.id, { type: 'invocation', invocation: accepted });
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'remote') {
        // The node refused (e.g. its clock is too uncertain for an aligned start): it never ran.
        await this.finish(invocation.id, task.id, {
          state: 'failed',
          endedAt: new Date(),
          error: error.message,
        });
      } else {
        this.logger.warn(
          { node: invocation.node, invocation: invocation.id, error: (error as Error).message },
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
      kind: task.kind === 'script' ? 'script' : 'command',
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
    };
  }

  private async markDelayed(invocation: Invocation, task: Task): Promise<void> {
    const options = task.options as unknown as TaskOptions;
    const deliverBy =
      invocation.deliverBy ?? new Date(task.createdAt.getTime() + options.deliveryTimeoutSeconds * 1000);
    const moved = await this.tasks.advance(invocation.id, { state: 'delayed', deliverBy }, [
      'pending',
      'delayed',
    ]);
    if (moved) this.events.emit(task.id, { type: 'invocation', invocation: moved });
  }

  async onStarted(node: string, started: TaskStarted): Promise<void> {
    const invocation = await this.owned(node, started.invocationId);
    if (!invocation) return;
    const moved = await this.tasks.advance(
      invocation.id,
      { state: 'running', pid: started.pid, startedAt: new Date(started.startedAt) },
      ['pending', 'delayed'],
    );
    if (moved) this.events.emit(invocation.taskId, { type: 'invocation', invocation: moved });
  }

  async onOutput(node: string, output: TaskOutput): Promise<void> {
    const invocation = await this.owned(node, output.invocationId);
    if (!invocation) return;
    this.pendingOutput.push({
      invocationId: output.invocationId,
      stream: output.stream,
      offset: output.offset,
      data: output.data,
    });
    this.events.emit(invocation.taskId, {
      type: 'output',
      invocationId: output.invocationId,
      node,
      stream: output.stream,
      data: output.data,
    });
  }

  async onResult(node: string, result: TaskResult): Promise<void> {
    const invocation = await this.owned(node, result.invocationId);
    if (!invocation) return;
    await this.flushOutput();
    await this.finish(invocation.id, invocation.taskId, {
      state: result.state,
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

  /** Records an end state (once) and finishes the task when nothing is open any more. */
  async finish(
    invocationId: string,
    taskId: string,
    data: Parameters<TasksRepository['advance']>[1],
  ): Promise<void> {
    const moved = await this.tasks.advance(invocationId, data);
    if (moved) this.events.emit(taskId, { type: 'invocation', invocation: moved });
    await this.closeIfComplete(taskId);
  }

  async closeIfComplete(taskId: string): Promise<void> {
    if (await this.tasks.finishIfComplete(taskId, new Date()))
      this.events.emit(taskId, { type: 'done', taskId });
  }

  /** Asks the nodes to stop what is still open of a cancelled task. */
  async cancelOnNodes(open: Invocation[]): Promise<void> {
    await Promise.all(
      open.map(async (invocation) => {
        const session = this.registry.get(invocation.node);
        if (!session) return;
        await session
          .request('task.cancel', { invocationId: invocation.id }, ASSIGN_TIMEOUT_MS)
          .catch((error: Error) =>
            this.logger.warn({ node: invocation.node, error: error.message }, 'cancel not confirmed'),
          );
      }),
    );
  }

  /** A node may only report on its own invocations. */
  private async owned(node: string, invocationId: string): Promise<Invocation | null> {
    const invocation = await this.tasks.findInvocation(invocationId);
    if (!invocation || invocation.node !== node) {
      this.logger.warn(
        { node, invocation: invocationId },
        'report for an invocation this node does not have; ignored',
      );
      return null;
    }
    return invocation;
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
