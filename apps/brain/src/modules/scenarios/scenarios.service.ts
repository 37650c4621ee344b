import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ScenarioSpec } from '@octopod/scenario';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ApiError } from '../../core/http/api-error';
import { KEEP_JOBS, Queues } from '../../core/queue/jobs';
import type { ScenarioVersion } from '../../generated/prisma/client';
import { BlobService } from '../files/blob.service';
import { NodesService } from '../nodes/nodes.service';
import { isSameOrSubPath } from '../workgroup/workgroup-path';
import { planApply, type PlannedStep } from './apply/run-plan';
import { fetchGitFolder, packBlob, readScenario, readScripts, unpackFolder } from './apply/scenario-folder';
import { ScenariosRepository, type RunWithSteps, type ScenarioWithApps } from './scenarios.repository';
import type { Snapshot } from './snapshot';

export interface Caller {
  createdBy: string | null;
  scopePath: string;
}

export type ScenarioSource = { blob: string } | { git: { url: string; ref: string } };

export interface ApplyRequest {
  source: ScenarioSource;
  target: string;
  message: string;
  stopOnError: boolean;
}

const RUN_POLL_MS = 200;
/** How long a synchronous caller waits for a run (node delivery timeouts are 60 s; scripts may run longer). */
const RUN_WAIT_MS = 30 * 60_000;

/** Scenarios: apply targets as runs (BullMQ), versions, resets; what a caller's workgroup may see of them. */
@Injectable()
export class ScenariosService implements OnApplicationBootstrap {
  private readonly logger = new Logger('scenarios');

  constructor(
    private readonly repo: ScenariosRepository,
    private readonly nodes: NodesService,
    private readonly blobs: BlobService,
    @InjectQueue(Queues.scenarios) private readonly queue: Queue,
  ) {}

  /**
   * A run stored but never queued (the brain stopped between the two) would keep its scenario busy for good: queue
   * it now. Runs whose job exists are left to BullMQ (a stalled one is run again by itself); the job id makes a
   * second instance doing the same harmless.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const run of await this.repo.runningRuns()) {
        if (await this.queue.getJob(`apply-${run.id}`)) continue;
        this.logger.warn({ run: run.id, scenario: run.scenario }, 'queueing a run that had no job');
        await this.queue.add('apply', { runId: run.id }, { jobId: `apply-${run.id}`, ...KEEP_JOBS });
      }
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'could not look for runs without a job');
    }
  }

  /** Checks the folder (fields, scripts, aliases, nodes known and healthy), plans the target and starts the run. */
  async apply(request: ApplyRequest, caller: Caller): Promise<RunWithSteps> {
    const blob =
      'blob' in request.source
        ? request.source.blob
        : (await fetchGitFolder(this.blobs, request.source.git.url, request.source.git.ref)).blob;
    const folder = await unpackFolder(this.blobs, blob);
    try {
      const spec = await readScenario(folder.dir, (names) => this.checkNodes(names, caller.scopePath));
      const existing = await this.repo.find(spec.name);
      if (existing && !visible(existing, caller)) {
        throw ApiError.conflict(
          'scenario_exists',
          `a scenario named ${spec.name} belongs to another workgroup`,
        );
      }
      const preparing = request.target === 'prepare' || request.target === 'default';
      if (!existing && !preparing) {
        throw ApiError.notFound(
          'scenario_not_found',
          `scenario ${spec.name} is not prepared: apply prepare (or default) first`,
        );
      }
      await this.refuseIfBusy(spec.name);
      const sources = new Map<string, { blob: string; size: number }>();
      if (preparing) {
        for (const app of spec.applications) {
          sources.set(app.name, await packBlob(this.blobs, join(spec.dir, app.sourcepath)));
        }
      }
      const steps = planApply(spec, request.target, request.message, {
        sources,
        scripts: await readScripts(spec),
        folder: blob,
      });
      if (preparing) await this.define(spec, existing?.workgroup ?? caller.scopePath);
      return this.startRun(spec.name, request.target, request.message, request.stopOnError, caller, steps);
    } finally {
      await folder.dispose();
    }
  }

  /** Octopoda's `scen reset`: every nodeapp back to its version in `prefix`'s snapshot, then a new version. */
  async reset(name: string, prefix: string, message: string, caller: Caller): Promise<RunWithSteps> {
    await this.get(name, caller);
    if (!message) throw new ApiError(400, 'message_required', 'a reset needs a message (-m)');
    const version = await this.resolveVersion(name, prefix);
    const snapshot = version.snapshot as unknown as Snapshot;
    const steps: PlannedStep[] = snapshot.flatMap((app) =>
      app.nodeApps
        .filter((nodeApp) => nodeApp.version)
        .map((nodeApp) => ({
          stage: 0,
          app: app.name,
          target: null,
          spec: { kind: 'reset' as const, nodes: [nodeApp.node], version: nodeApp.version, message },
        })),
    );
    steps.push({
      stage: 1,
      app: null,
      target: null,
      spec: { kind: 'record', message, mode: 'reset', source: null, resetTo: version.hash },
    });
    await this.refuseIfBusy(name);
    return this.startRun(name, 'reset', message, false, caller, steps);
  }

  /** Octopoda's `napp reset`: one nodeapp back to a version of its own, then a new scenario version. */
  async resetNodeApp(
    ref: { node: string; app: string; scenario: string },
    prefix: string,
    message: string,
    caller: Caller,
  ): Promise<RunWithSteps> {
    const scenario = await this.get(ref.scenario, caller);
    if (!message) throw new ApiError(400, 'message_required', 'a reset needs a message (-m)');
    if (!scenario.apps.some((app) => app.name === ref.app)) {
      throw ApiError.notFound('nodeapp_not_found', `scenario ${ref.scenario} has no app ${ref.app}`);
    }
    await this.refuseIfBusy(ref.scenario);
    return this.startRun(ref.scenario, 'napp-reset', message, true, caller, [
      {
        stage: 0,
        app: ref.app,
        target: null,
        spec: { kind: 'reset', nodes: [ref.node], version: prefix, message },
      },
      {
        stage: 1,
        app: null,
        target: null,
        spec: { kind: 'record', message, mode: 'always', source: null, resetTo: null },
      },
    ]);
  }

  /** Removes every nodeapp from its node, then the scenario (Octopoda's DELETE /scenario/info: no scripts run). */
  async remove(name: string, caller: Caller): Promise<RunWithSteps> {
    const scenario = await this.get(name, caller);
    await this.refuseIfBusy(name);
    const steps: PlannedStep[] = scenario.apps
      .filter((app) => app.nodeApps.length)
      .map((app) => ({
        stage: 0,
        app: app.name,
        target: null,
        spec: { kind: 'remove' as const, nodes: app.nodeApps.map((n) => n.node) },
      }));
    steps.push({ stage: 1, app: null, target: null, spec: { kind: 'forget' } });
    return this.startRun(name, 'delete', 'PURGED', false, caller, steps);
  }

  /** Records a version now if a nodeapp changed since the last (Octopoda's POST /scenario/update). */
  async update(name: string, message: string, caller: Caller): Promise<RunWithSteps> {
    await this.get(name, caller);
    await this.refuseIfBusy(name);
    return this.startRun(name, 'update', message, false, caller, [
      {
        stage: 0,
        app: null,
        target: null,
        spec: { kind: 'record', message, mode: 'if-changed', source: null, resetTo: null },
      },
    ]);
  }

  async get(name: string, caller: Caller): Promise<ScenarioWithApps> {
    const scenario = await this.repo.find(name);
    if (!scenario || !visible(scenario, caller)) {
      throw ApiError.notFound('scenario_not_found', `no scenario ${name}`);
    }
    return scenario;
  }

  async list(caller: Caller): Promise<ScenarioWithApps[]> {
    return (await this.repo.list()).filter((scenario) => visible(scenario, caller));
  }

  /** Newest first; `[]` past the end. */
  async versions(name: string, offset: number, limit: number, caller: Caller): Promise<ScenarioVersion[]> {
    await this.get(name, caller);
    return this.repo.versions(name, offset, limit);
  }

  latestVersions(names: string[]): Promise<ScenarioVersion[]> {
    return this.repo.latestVersions(names);
  }

  async run(id: string, caller: Caller): Promise<RunWithSteps> {
    const run = await this.repo.findRun(id);
    if (!run || !isSameOrSubPath(run.workgroup, caller.scopePath)) {
      throw ApiError.notFound('run_not_found', `no scenario run ${id}`);
    }
    return run;
  }

  async runs(scenario: string | undefined, limit: number, caller: Caller): Promise<RunWithSteps[]> {
    return (await this.repo.listRuns(scenario, limit)).filter((run) =>
      isSameOrSubPath(run.workgroup, caller.scopePath),
    );
  }

  /** Waits until the run has ended (the Octopoda face answers synchronously), at most `timeoutMs`. */
  async finished(id: string, timeoutMs = RUN_WAIT_MS): Promise<RunWithSteps> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.repo.findRun(id);
      if (!run) throw ApiError.notFound('run_not_found', `no scenario run ${id}`);
      if (run.state !== 'running') return run;
      if (Date.now() > deadline) {
        throw new ApiError(
          504,
          'run_timeout',
          `scenario run ${id} has not ended after ${timeoutMs / 1000} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, RUN_POLL_MS));
    }
  }

  /** The version a hash prefix names: 2 to 40 hex digits, one version (a reset's repeat of a hash counts once). */
  async resolveVersion(name: string, prefix: string): Promise<ScenarioVersion> {
    if (!/^[0-9a-fA-F]{2,40}$/.test(prefix)) {
      throw new ApiError(400, 'bad_version', `version "${prefix}" must be 2 to 40 hex digits`);
    }
    const matches = await this.repo.versionsByPrefix(name, prefix);
    const hashes = new Set(matches.map((v) => v.hash));
    if (hashes.size === 0)
      throw ApiError.notFound('version_not_found', `scenario ${name} has no version ${prefix}`);
    if (hashes.size > 1) {
      throw ApiError.conflict(
        'version_ambiguous',
        `version ${prefix} is ambiguous (${hashes.size} versions match)`,
      );
    }
    return matches[0];
  }

  private async checkNodes(names: string[], scopePath: string) {
    const resolved = await this.nodes.resolve(names, { scopePath });
    return { unknown: resolved.unknown, unhealthy: resolved.unhealthy };
  }

  private async define(spec: ScenarioSpec, workgroup: string): Promise<void> {
    await this.repo.define(
      spec.name,
      spec.description,
      workgroup,
      spec.applications.map((app) => ({ name: app.name, description: app.description, nodes: app.nodes })),
    );
  }

  private async refuseIfBusy(name: string): Promise<void> {
    const running = await this.repo.runningRun(name);
    if (running) {
      throw ApiError.conflict(
        'scenario_busy',
        `scenario ${name} is busy: run ${running.id} (${running.target}) has not ended`,
      );
    }
  }

  private async startRun(
    scenario: string,
    target: string,
    message: string,
    stopOnError: boolean,
    caller: Caller,
    planned: PlannedStep[],
  ): Promise<RunWithSteps> {
    const id = randomUUID();
    const run = await this.repo.createRun(
      {
        id,
        scenario,
        target,
        message,
        stopOnError,
        createdBy: caller.createdBy,
        workgroup: caller.scopePath,
      },
      planned.map((step, index) => ({
        index,
        stage: step.stage,
        kind: step.spec.kind,
        app: step.app,
        target: step.target,
        taskId: step.spec.kind === 'record' || step.spec.kind === 'forget' ? '' : randomUUID(),
        spec: step.spec as never,
      })),
    );
    if (!run) {
      await this.refuseIfBusy(scenario);
      throw ApiError.conflict('scenario_busy', `scenario ${scenario} is busy: another run has just started`);
    }
    try {
      await this.queue.add('apply', { runId: id }, { jobId: `apply-${id}`, ...KEEP_JOBS });
    } catch (error) {
      await this.repo.endRun(id, 'failed', `could not be queued: ${(error as Error).message}`);
      throw new ApiError(
        503,
        'queue_unavailable',
        `the run could not be queued (${(error as Error).message})`,
      );
    }
    return run;
  }
}

function visible(scenario: { workgroup: string }, caller: Caller): boolean {
  return isSameOrSubPath(scenario.workgroup, caller.scopePath);
}
