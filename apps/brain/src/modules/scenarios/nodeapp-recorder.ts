import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { nodeAppOutcomeSchema, type NodeAppRef } from '@octopod/protocol';
import { InvocationLedger } from '../tasks/invocation-ledger.service';
import type { TaskOptions } from '../tasks/task-options';
import { TasksRepository, type TaskWithInvocations } from '../tasks/tasks.repository';
import { ScenariosRepository } from './scenarios.repository';

/** The nodeapp a task changed (a prepare's push, a commit, reset or removal), if it changed one. */
export function changedNodeApp(task: TaskWithInvocations): (NodeAppRef & { removed: boolean }) | null {
  const options = task.options as unknown as TaskOptions;
  if (options.file?.kind === 'push' && options.file.nodeapp)
    return { ...options.file.nodeapp, removed: false };
  if (task.kind === 'nodeapp' && options.app && options.nodeapp) {
    return { ...options.app, removed: options.nodeapp.op === 'remove' };
  }
  return null;
}

/**
 * Keeps the brain's record of each nodeapp's version current: when a task that changed nodeapps ends, every node
 * that succeeded reported its HEAD; a HEAD that differs from the record marks the scenario for a new version. Whoever waits for such a task (an apply step) records it again itself: recording is idempotent.
 */
@Injectable()
export class NodeAppRecorder implements OnModuleInit {
  private readonly logger = new Logger('scenarios');

  constructor(
    private readonly ledger: InvocationLedger,
    private readonly tasks: TasksRepository,
    private readonly scenarios: ScenariosRepository,
  ) {}

  onModuleInit(): void {
    this.ledger.onClosed((taskId) => {
      void this.recordTaskId(taskId).catch((error: Error) =>
        this.logger.error({ task: taskId, error: error.message }, 'nodeapp versions not recorded'),
      );
    });
  }

  private async recordTaskId(taskId: string): Promise<void> {
    const task = await this.tasks.find(taskId);
    if (task) await this.record(task);
  }

  async record(task: TaskWithInvocations): Promise<void> {
    const changed = changedNodeApp(task);
    if (!changed) return;
    for (const invocation of task.invocations) {
      if (invocation.state !== 'success') continue;
      if (changed.removed) {
        await this.scenarios.forgetNodeApp(changed.scenario, changed.app, invocation.node);
        continue;
      }
      const outcome = nodeAppOutcomeSchema.safeParse(safeJson(invocation.output));
      if (!outcome.success) {
        this.logger.warn({ task: task.id, node: invocation.node }, 'nodeapp change without an outcome');
        continue;
      }
      // When the node made the report: an old task read late (Octopoda's /taskstate) cannot roll the record back.
      const at = invocation.endedAt ?? task.doneAt ?? new Date();
      await this.scenarios.recordNodeApp(
        changed.scenario,
        changed.app,
        invocation.node,
        outcome.data.version,
        at,
      );
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
