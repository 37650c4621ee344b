import { Injectable, Logger } from '@nestjs/common';
import type { ScenarioRunStep } from '../../../generated/prisma/client';
import { BlobService } from '../../files/blob.service';
import { FilesService } from '../../files/files.service';
import { TasksService } from '../../tasks/tasks.service';
import { ApiError } from '../../../core/http/api-error';
import { NodeAppRecorder } from '../nodeapp-recorder';
import { ScenarioGit } from '../scenario-git';
import { ScenariosRepository, type RunWithSteps } from '../scenarios.repository';
import type { StepSpec } from './run-plan';
import { unpackFolder } from './scenario-folder';
import { isTaskStep, startStepTask, taskOutcome } from './step-tasks';

const DONE = new Set(['success', 'failed', 'skipped']);

/**
 * Runs an apply's steps, stage after stage, the steps of a stage in parallel. Every step is resumable: a task step
 * starts its task under the id chosen when the run was planned (so a resumed run finds it rather than starting it
 * twice) and waits for it; a record step finds the version it stored. A brain that stopped in the middle therefore
 * goes on where it was when the job runs again.
 */
@Injectable()
export class ApplyRunner {
  private readonly logger = new Logger('scenarios');

  constructor(
    private readonly repo: ScenariosRepository,
    private readonly tasks: TasksService,
    private readonly files: FilesService,
    private readonly blobs: BlobService,
    private readonly recorder: NodeAppRecorder,
    private readonly git: ScenarioGit,
  ) {}

  async run(runId: string): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run || run.state !== 'running') return;
    const stages = [...new Set(run.steps.map((s) => s.stage))].sort((a, b) => a - b);
    let failures = 0;
    for (const stage of stages) {
      const steps = run.steps.filter((s) => s.stage === stage);
      const states = await Promise.all(steps.map((step) => this.step(run, step)));
      failures += states.filter((state) => state === 'failed').length;
      if (failures && run.stopOnError) {
        await this.skipAfter(run, stage);
        return this.repo.endRun(run.id, 'failed', `stopped after a failed step (--stop-on-error)`);
      }
    }
    await this.repo.endRun(
      run.id,
      failures ? 'failed' : 'success',
      failures ? `${failures} step(s) failed` : null,
    );
  }

  /** Ends a run that cannot go on (its job failed), so the scenario is not left busy. */
  async abandon(runId: string, reason: string): Promise<void> {
    this.logger.error({ run: runId, error: reason }, 'apply run abandoned');
    await this.repo.endRun(runId, 'failed', `the run stopped: ${reason}`).catch(() => undefined);
  }

  private async skipAfter(run: RunWithSteps, stage: number): Promise<void> {
    for (const step of run.steps.filter((s) => s.stage > stage && !DONE.has(s.state))) {
      await this.repo.updateStep(run.id, step.index, { state: 'skipped', endedAt: new Date() });
    }
  }

  private async step(run: RunWithSteps, step: ScenarioRunStep): Promise<string> {
    if (DONE.has(step.state)) return step.state;
    if (step.state === 'pending') {
      await this.repo.updateStep(run.id, step.index, { state: 'running', startedAt: new Date() });
    }
    const spec = step.spec as unknown as StepSpec;
    let outcome: { ok: boolean; detail: string | null };
    try {
      outcome = isTaskStep(spec)
        ? await this.taskStep(run, step, spec)
        : await this.brainStep(run, step, spec);
    } catch (error) {
      this.logger.error({ run: run.id, step: step.index, error: (error as Error).message }, 'step failed');
      outcome = { ok: false, detail: (error as Error).message };
    }
    const state = outcome.ok ? 'success' : 'failed';
    await this.repo.updateStep(run.id, step.index, { state, detail: outcome.detail, endedAt: new Date() });
    return state;
  }

  private async taskStep(
    run: RunWithSteps,
    step: ScenarioRunStep,
    spec: Parameters<typeof startStepTask>[1],
  ) {
    const existing = await this.tasks.get(step.taskId).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'task_not_found') return null;
      throw error;
    });
    if (!existing) {
      await startStepTask({ tasks: this.tasks, files: this.files }, spec, {
        scenario: run.scenario,
        app: step.app ?? '',
        taskId: step.taskId,
        createdBy: run.createdBy,
        scopePath: run.workgroup,
      });
    }
    const task = await this.tasks.finished(step.taskId);
    await this.recorder.record(task);
    return taskOutcome(task);
  }

  private async brainStep(run: RunWithSteps, step: ScenarioRunStep, spec: StepSpec) {
    const stepKey = `${run.id}/${step.index}`;
    if (spec.kind === 'forget') {
      // Forgetting a scenario whose nodeapps are still on some node would lose their history for good.
      const left = run.steps.filter((s) => s.kind === 'remove' && s.index !== step.index);
      const states = await Promise.all(left.map((s) => this.repo.stepState(run.id, s.index)));
      if (states.some((state) => state !== 'success')) {
        return {
          ok: false,
          detail: 'kept on the brain: some nodeapps could not be removed (apply purge again)',
        };
      }
      await this.repo.remove(run.scenario);
      await this.git.remove(run.scenario);
      return { ok: true, detail: 'scenario removed from the brain' };
    }
    if (spec.kind !== 'record') throw new Error(`not a brain step: ${spec.kind}`);
    const stored = await this.repo.versionByStep(stepKey);
    if (stored) return { ok: true, detail: stored.hash };
    const scenario = await this.repo.find(run.scenario);
    if (!scenario) throw new Error(`scenario ${run.scenario} no longer exists`);
    const snapshot = await this.repo.snapshot(run.scenario);
    // Committed before a crash but not stored: store that commit (whatever the change check would say now).
    const committed = await this.git.committedBy(run.scenario, stepKey);
    if (committed) {
      await this.repo.addVersion({
        scenario: run.scenario,
        hash: committed,
        message: spec.message,
        snapshot,
        stepKey,
      });
      return { ok: true, detail: committed };
    }
    const folder = spec.source ? await unpackFolder(this.blobs, spec.source) : null;
    try {
      if (spec.mode === 'if-changed') {
        const first = (await this.repo.versions(run.scenario, 0, 1)).length === 0;
        const changed =
          first || scenario.dirty || (folder && (await this.git.folderChanged(run.scenario, folder.dir)));
        if (!changed) return { ok: true, detail: 'nothing changed: no new version' };
      }
      const hash =
        spec.mode === 'reset' && spec.resetTo
          ? await this.git.reset(run.scenario, {
              hash: spec.resetTo,
              snapshot,
              message: spec.message,
              stepKey,
            })
          : await this.git.commit(run.scenario, {
              folder: folder?.dir ?? null,
              snapshot,
              message: spec.message,
              stepKey,
            });
      await this.repo.addVersion({ scenario: run.scenario, hash, message: spec.message, snapshot, stepKey });
      return { ok: true, detail: hash };
    } finally {
      await folder?.dispose();
    }
  }
}
