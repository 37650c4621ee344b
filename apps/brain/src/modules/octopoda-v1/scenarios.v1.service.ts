import { Injectable } from '@nestjs/common';
import { nodeAppOutcomeSchema, type NodeAppOutcome } from '@octopod/protocol';
import { ApiError } from '../../core/http/api-error';
import type { ScenarioRunStep } from '../../generated/prisma/client';
import { NodeAppsService } from '../scenarios/nodeapps.service';
import { ScenariosRepository, type RunWithSteps } from '../scenarios/scenarios.repository';
import { ScenariosService, type Caller } from '../scenarios/scenarios.service';
import type { TaskWithInvocations } from '../tasks/tasks.repository';
import { TasksService } from '../tasks/tasks.service';
import { toExecutionResult, type ExecutionResult } from './execution-result';
import { isVersionHash, nodeAppResultName } from './scenario.v1.mappers';

/** Why Octopoda's scenario fix gave up (its error names, answered as `Fix:<name>`). */
export type FixError = 'ErrorScenarioNotFound' | 'ErrorScenarioDirty' | 'ErrorNodeAppError';

export const FIX_MESSAGE = 'System Data Fix';

/**
 * The Octopoda face answers scenario changes synchronously, where Octopod runs them in the background: this waits
 * for a run and reads what Octopoda's clients expect from its steps' tasks.
 */
@Injectable()
export class ScenariosV1Service {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly repo: ScenariosRepository,
    private readonly nodeApps: NodeAppsService,
    private readonly tasks: TasksService,
  ) {}

  /** Waits for the run; then one entry per nodeapp its `kind` steps changed, named `node:app@scenario`. */
  async nodeAppResults(run: RunWithSteps, kind: 'remove' | 'reset'): Promise<ExecutionResult[]> {
    const ended = await this.scenarios.finished(run.id);
    const results: ExecutionResult[] = [];
    for (const step of ended.steps.filter((s) => s.kind === kind)) {
      const task = await this.taskOf(step);
      for (const node of stepNodes(step)) {
        const name = nodeAppResultName(node, step.app ?? '', run.scenario);
        const invocation = task?.invocations.find((i) => i.node === node);
        results.push(
          task && invocation ? { ...toExecutionResult(task, invocation), Name: name } : notSent(name, step),
        );
      }
    }
    return results;
  }

  /** Waits for an update run: whether it recorded a new version. */
  async madeVersion(run: RunWithSteps): Promise<boolean> {
    const ended = await this.scenarios.finished(run.id);
    const record = ended.steps.find((s) => s.kind === 'record');
    return record?.state === 'success' && isVersionHash(record.detail);
  }

  /** Waits for a nodeapp reset run: what its node reported, or null when the reset failed. */
  async resetOutcome(run: RunWithSteps): Promise<NodeAppOutcome | null> {
    const ended = await this.scenarios.finished(run.id);
    const step = ended.steps.find((s) => s.kind === 'reset');
    const invocation = step ? (await this.taskOf(step))?.invocations[0] : undefined;
    if (invocation?.state !== 'success') return null;
    const outcome = nodeAppOutcomeSchema.safeParse(parseJson(invocation.output));
    return outcome.success ? outcome.data : null;
  }

  /**
   * Octopoda's fix: asks every nodeapp's node for its HEAD, records those that differ from the brain's record, and
   * records a version "System Data Fix" if that changed anything. Refused while changes wait for an update.
   */
  async fix(name: string, caller: Caller): Promise<FixError | null> {
    const scenario = await this.scenarios.get(name, caller).catch((error: unknown) => {
      if (error instanceof ApiError && error.getStatus() === 404) return null;
      throw error;
    });
    if (!scenario) return 'ErrorScenarioNotFound';
    if (scenario.dirty) return 'ErrorScenarioDirty';
    const nodeApps = scenario.apps.flatMap((app) => app.nodeApps.map((n) => ({ ...n, app: app.name })));
    const heads = await Promise.all(
      nodeApps.map(async ({ node, app }) => {
        const views = await this.nodeApps.list(node, { app, scenario: name }, 0, 1).catch(() => []);
        return views[0]?.head ?? '';
      }),
    );
    if (heads.some((head) => !head)) return 'ErrorNodeAppError';
    for (const [i, { node, app, version }] of nodeApps.entries()) {
      if (heads[i] !== version) await this.repo.recordNodeApp(name, app, node, heads[i], new Date());
    }
    await this.scenarios.finished((await this.scenarios.update(name, FIX_MESSAGE, caller)).id);
    return null;
  }

  private async taskOf(step: ScenarioRunStep): Promise<TaskWithInvocations | null> {
    if (!step.taskId) return null;
    return this.tasks.get(step.taskId).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'task_not_found') return null;
      throw error;
    });
  }
}

function stepNodes(step: ScenarioRunStep): string[] {
  const nodes = (step.spec as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) ? nodes.filter((n): n is string => typeof n === 'string') : [];
}

/** A step whose task never started (skipped after an earlier failure): nothing reached the node. */
function notSent(name: string, step: ScenarioRunStep): ExecutionResult {
  return {
    Name: name,
    Code: 1,
    CommunicationErrorMsg: `not sent: step ${step.state}${step.detail ? `: ${step.detail}` : ''}`,
    ProcessErrorMsg: '',
    Result: '',
    ResultCompatible: '',
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
