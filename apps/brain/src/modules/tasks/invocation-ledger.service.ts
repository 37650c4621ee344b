import { Injectable, Logger } from '@nestjs/common';
import type { Invocation } from '../../generated/prisma/client';
import { GroupCommit } from './group-commit';
import { isTerminal } from './task-options';
import { TaskEventsService } from './task-events.service';
import { mergeChanges, TasksRepository, type InvocationChange } from './tasks.repository';

interface Route {
  taskId: string;
  node: string;
}

/**
 * Where invocation state changes are written: in batches (one statement for everything reported while the
 * previous batch was being written), each change's event emitted once it is stored, and a task closed as soon as
 * its last invocation ended. Also remembers which node each open invocation belongs to, so a report is checked
 * without a query.
 */
@Injectable()
export class InvocationLedger {
  private readonly logger = new Logger('tasks');
  private readonly writer = new GroupCommit<InvocationChange, Invocation>(
    (change) => change.id,
    mergeChanges,
    (batch) => this.write(batch),
  );
  private readonly routes = new Map<string, Route>();
  private readonly endedListeners: Array<(taskIds: string[]) => void> = [];
  private readonly closedListeners: Array<(taskId: string) => void> = [];

  constructor(
    private readonly tasks: TasksRepository,
    private readonly events: TaskEventsService,
  ) {}

  /** Stores a change (batched with others) and answers the invocation as it is now, or nothing if it did not move. */
  change(change: InvocationChange): Promise<Invocation | undefined> {
    return this.writer.submit(change);
  }

  /** Everything submitted so far is stored. */
  settled(): Promise<void> {
    return this.writer.settled();
  }

  /** Called with the tasks whose invocations ended in a batch, after it is stored. */
  onEnded(listener: (taskIds: string[]) => void): void {
    this.endedListeners.push(listener);
  }

  /** Called with each task once it is closed. */
  onClosed(listener: (taskId: string) => void): void {
    this.closedListeners.push(listener);
  }

  remember(invocations: Iterable<{ id: string; taskId: string; node: string }>): void {
    for (const { id, taskId, node } of invocations) this.routes.set(id, { taskId, node });
  }

  /** The task of an invocation if `node` holds it; a node may only report on its own invocations. */
  async owner(node: string, invocationId: string): Promise<string | null> {
    let route = this.routes.get(invocationId);
    if (!route) {
      // Handed out before this process started (a brain restart): look it up once.
      const stored = await this.tasks.findInvocation(invocationId);
      if (stored && !isTerminal(stored.state)) this.remember([stored]);
      route = stored ?? undefined;
    }
    if (route?.node !== node) {
      this.logger.warn(
        { node, invocation: invocationId },
        'report for an invocation this node does not have',
      );
      return null;
    }
    return route.taskId;
  }

  /** Closes the task if nothing of it is open any more (after a cancel or expiry, which write directly). */
  async closeIfComplete(taskIds: string[]): Promise<void> {
    const doneAt = new Date();
    for (const { id: taskId, state } of await this.tasks.finishComplete(taskIds, doneAt)) {
      this.events.emit(taskId, { type: 'done', taskId, state, doneAt });
      for (const listener of this.closedListeners) listener(taskId);
    }
  }

  /** Emits what changed outside the ledger (cancel, expiry) and closes what it completed. */
  async publish(moved: Invocation[]): Promise<void> {
    for (const invocation of moved) {
      if (isTerminal(invocation.state)) this.routes.delete(invocation.id);
      this.events.emit(invocation.taskId, { type: 'invocation', invocation });
    }
    const ended = [...new Set(moved.filter((i) => isTerminal(i.state)).map((i) => i.taskId))];
    if (ended.length === 0) return;
    await this.closeIfComplete(ended);
    for (const listener of this.endedListeners) listener(ended);
  }

  private async write(batch: InvocationChange[]): Promise<Map<string, Invocation>> {
    const moved = await this.tasks.applyChanges(batch, new Date());
    await this.publish(moved);
    return new Map(moved.map((invocation) => [invocation.id, invocation]));
  }
}
