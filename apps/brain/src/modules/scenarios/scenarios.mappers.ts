import type { NodeAppVersionInfo } from '@octopod/protocol';
import type { ScenarioVersion } from '../../generated/prisma/client';
import type { NodeAppView } from './nodeapps.service';
import type {
  NodeAppDto,
  NodeAppVersionDto,
  ScenarioDto,
  ScenarioRunDto,
  ScenarioVersionDto,
  StepNodeDto,
} from './scenarios.dto';
import type { RunWithSteps, ScenarioWithApps } from './scenarios.repository';

export function toVersionDto(version: ScenarioVersion): ScenarioVersionDto {
  return {
    hash: version.hash,
    message: version.message,
    time: version.createdAt.toISOString(),
    snapshot: version.snapshot as unknown[],
  };
}

export function toScenarioDto(scenario: ScenarioWithApps, latest: ScenarioVersion | undefined): ScenarioDto {
  return {
    name: scenario.name,
    description: scenario.description,
    workgroup: scenario.workgroup,
    version: latest ? toVersionDto(latest) : null,
    apps: scenario.apps.map((app) => ({
      name: app.name,
      description: app.description,
      nodeApps: app.nodeApps.map(({ node, version }) => ({ node, version })),
    })),
  };
}

export function toRunDto(
  run: RunWithSteps,
  invocations: Array<StepNodeDto & { taskId: string }>,
): ScenarioRunDto {
  return {
    id: run.id,
    scenario: run.scenario,
    target: run.target,
    message: run.message,
    state: run.state,
    error: run.error,
    createdAt: run.createdAt.toISOString(),
    endedAt: run.endedAt?.toISOString() ?? null,
    steps: run.steps.map((step) => ({
      index: step.index,
      stage: step.stage,
      kind: step.kind,
      app: step.app,
      target: step.target,
      taskId: step.taskId || null,
      state: step.state,
      detail: step.detail,
      nodes: invocations
        .filter((i) => step.taskId && i.taskId === step.taskId)
        .map(({ node, state, error, exitCode }) => ({ node, state, error, exitCode })),
    })),
  };
}

export function toNodeAppVersionDto(version: NodeAppVersionInfo): NodeAppVersionDto {
  return { hash: version.hash, message: version.message, time: new Date(version.time).toISOString() };
}

export function toNodeAppDto(app: NodeAppView): NodeAppDto {
  return {
    name: `${app.app}@${app.scenario}`,
    app: app.app,
    scenario: app.scenario,
    description: app.description,
    head: app.head,
    dirty: app.dirty,
    versions: app.versions.map(toNodeAppVersionDto),
  };
}
