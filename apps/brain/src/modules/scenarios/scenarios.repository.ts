import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../core/database/prisma.service';
import type {
  Prisma,
  Scenario,
  ScenarioRun,
  ScenarioRunStep,
  ScenarioVersion,
} from '../../generated/prisma/client';
import type { Snapshot } from './snapshot';

export type ScenarioWithApps = Scenario & {
  apps: Array<{ name: string; description: string; nodeApps: Array<{ node: string; version: string }> }>;
};
export type RunWithSteps = ScenarioRun & { steps: ScenarioRunStep[] };

export interface AppRecord {
  name: string;
  description: string;
  nodes: string[];
}

export interface NewStep {
  index: number;
  stage: number;
  kind: string;
  app: string | null;
  target: string | null;
  taskId: string;
  spec: Prisma.InputJsonValue;
}

const WITH_APPS = {
  apps: { orderBy: { name: 'asc' }, include: { nodeApps: { orderBy: { node: 'asc' } } } },
} as const;

/** Scenarios, their apps and nodeapps, versions and apply runs in Postgres. */
@Injectable()
export class ScenariosRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(name: string): Promise<ScenarioWithApps | null> {
    return this.prisma.scenario.findUnique({ where: { name }, include: WITH_APPS });
  }

  list(): Promise<ScenarioWithApps[]> {
    return this.prisma.scenario.findMany({ orderBy: { name: 'asc' }, include: WITH_APPS });
  }

  /** Creates the scenario; false when it exists already (Octopoda's create refuses then). */
  async create(name: string, description: string, workgroup: string): Promise<boolean> {
    const created = await this.prisma.scenario.createMany({
      data: [{ name, description, workgroup }],
      skipDuplicates: true,
    });
    return created.count === 1;
  }

  /**
   * Creates or updates the scenario with exactly these apps: apps no longer named are dropped, and so are the
   * nodeapps of nodes an app no longer lists (their directories stay on the nodes, as Octopoda leaves them).
   */
  async define(name: string, description: string, workgroup: string, apps: AppRecord[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.scenario.upsert({
        where: { name },
        create: { name, description, workgroup },
        update: { description },
      });
      await tx.scenarioApp.deleteMany({
        where: { scenario: name, name: { notIn: apps.map((a) => a.name) } },
      });
      for (const app of apps) {
        await tx.scenarioApp.upsert({
          where: { scenario_name: { scenario: name, name: app.name } },
          create: { scenario: name, name: app.name, description: app.description },
          update: { description: app.description },
        });
        await tx.nodeApp.deleteMany({ where: { scenario: name, app: app.name, node: { notIn: app.nodes } } });
      }
    });
  }

  /** Adds an app (Octopoda's prepare of one app names it first); keeps an existing one's nodeapps. */
  async defineApp(scenario: string, app: string, description: string): Promise<void> {
    await this.prisma.scenarioApp.upsert({
      where: { scenario_name: { scenario, name: app } },
      create: { scenario, name: app, description },
      update: description ? { description } : {},
    });
  }

  async remove(name: string): Promise<boolean> {
    return (await this.prisma.scenario.deleteMany({ where: { name } })).count === 1;
  }

  /**
   * Records a node's report of a nodeapp's version, made at `at`. A version different from the one on record marks
   * the scenario for a new version; the same report again (a task recorded by its waiter and by the listener), or
   * an older one read late, changes nothing.
   */
  async recordNodeApp(
    scenario: string,
    app: string,
    node: string,
    version: string,
    at: Date,
  ): Promise<boolean> {
    const known = await this.prisma.scenarioApp.count({ where: { scenario, name: app } });
    if (!known) return false;
    const where = { scenario, app, node };
    const newer = { ...where, reportedAt: { lte: at } };
    await this.prisma.nodeApp.updateMany({ where: { ...newer, version }, data: { reportedAt: at } });
    let changed =
      (
        await this.prisma.nodeApp.updateMany({
          where: { ...newer, version: { not: version } },
          data: { version, reportedAt: at },
        })
      ).count > 0;
    if (!changed && (await this.prisma.nodeApp.count({ where })) === 0) {
      changed =
        (
          await this.prisma.nodeApp.createMany({
            data: [{ ...where, version, reportedAt: at }],
            skipDuplicates: true,
          })
        ).count > 0;
    }
    if (changed) await this.prisma.scenario.update({ where: { name: scenario }, data: { dirty: true } });
    return changed;
  }

  async forgetNodeApp(scenario: string, app: string, node: string): Promise<void> {
    await this.prisma.nodeApp.deleteMany({ where: { scenario, app, node } });
  }

  /** The nodeapps of one node, with their apps' descriptions. */
  nodeAppsOn(node: string) {
    return this.prisma.nodeApp.findMany({
      where: { node },
      orderBy: [{ scenario: 'asc' }, { app: 'asc' }],
      include: { owner: { select: { description: true } } },
    });
  }

  /** Every nodeapp's version now, per app. */
  async snapshot(name: string): Promise<Snapshot> {
    const scenario = await this.find(name);
    return (scenario?.apps ?? []).map((app) => ({
      name: app.name,
      description: app.description,
      nodeApps: app.nodeApps.map(({ node, version }) => ({ node, version })),
    }));
  }

  versions(scenario: string, offset: number, limit: number): Promise<ScenarioVersion[]> {
    return this.prisma.scenarioVersion.findMany({
      where: { scenario },
      orderBy: { id: 'desc' },
      skip: offset,
      take: limit,
    });
  }

  latestVersions(names: string[]): Promise<ScenarioVersion[]> {
    return this.prisma.scenarioVersion.findMany({
      where: { scenario: { in: names } },
      orderBy: { id: 'desc' },
      distinct: ['scenario'],
    });
  }

  /** Versions whose hash starts with `prefix`, newest first. */
  versionsByPrefix(scenario: string, prefix: string): Promise<ScenarioVersion[]> {
    return this.prisma.scenarioVersion.findMany({
      where: { scenario, hash: { startsWith: prefix.toLowerCase() } },
      orderBy: { id: 'desc' },
    });
  }

  versionByStep(stepKey: string): Promise<ScenarioVersion | null> {
    return this.prisma.scenarioVersion.findUnique({ where: { stepKey } });
  }

  /** Stores a version and clears the scenario's "changed since" mark, together. */
  async addVersion(version: {
    scenario: string;
    hash: string;
    message: string;
    snapshot: Snapshot;
    stepKey: string | null;
  }): Promise<ScenarioVersion> {
    const [stored] = await this.prisma.$transaction([
      this.prisma.scenarioVersion.create({
        data: { ...version, snapshot: version.snapshot as unknown as Prisma.InputJsonValue },
      }),
      this.prisma.scenario.update({ where: { name: version.scenario }, data: { dirty: false } }),
    ]);
    return stored;
  }

  /**
   * Stores a run with its steps; null when the scenario has a run going already (a unique index allows one
   * `running` run per scenario, so two applies racing cannot both start).
   */
  async createRun(run: Prisma.ScenarioRunCreateManyInput, steps: NewStep[]): Promise<RunWithSteps | null> {
    try {
      await this.prisma.$transaction([
        this.prisma.scenarioRun.create({ data: run }),
        this.prisma.scenarioRunStep.createMany({ data: steps.map((step) => ({ ...step, runId: run.id })) }),
      ]);
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
    return this.findRun(run.id);
  }

  findRun(id: string): Promise<RunWithSteps | null> {
    return this.prisma.scenarioRun.findUnique({
      where: { id },
      include: { steps: { orderBy: { index: 'asc' } } },
    });
  }

  listRuns(scenario: string | undefined, limit: number): Promise<RunWithSteps[]> {
    return this.prisma.scenarioRun.findMany({
      where: scenario ? { scenario } : {},
      orderBy: { createdAt: 'desc' },
      take: limit,
      include: { steps: { orderBy: { index: 'asc' } } },
    });
  }

  runningRuns(): Promise<ScenarioRun[]> {
    return this.prisma.scenarioRun.findMany({ where: { state: 'running' } });
  }

  /** A run of this scenario still going, if any (one at a time per scenario). */
  runningRun(scenario: string): Promise<ScenarioRun | null> {
    return this.prisma.scenarioRun.findFirst({ where: { scenario, state: 'running' } });
  }

  async stepState(runId: string, index: number): Promise<string | undefined> {
    const step = await this.prisma.scenarioRunStep.findUnique({ where: { runId_index: { runId, index } } });
    return step?.state;
  }

  async updateStep(
    runId: string,
    index: number,
    data: Pick<Prisma.ScenarioRunStepUpdateInput, 'state' | 'detail' | 'startedAt' | 'endedAt'>,
  ): Promise<void> {
    await this.prisma.scenarioRunStep.update({ where: { runId_index: { runId, index } }, data });
  }

  /** The per-node states of the steps' tasks (a run's progress). */
  stepInvocations(taskIds: string[]) {
    return this.prisma.invocation.findMany({
      where: { taskId: { in: taskIds } },
      orderBy: { node: 'asc' },
      select: { taskId: true, node: true, state: true, error: true, exitCode: true },
    });
  }

  async endRun(id: string, state: 'success' | 'failed', error: string | null): Promise<void> {
    await this.prisma.scenarioRun.update({ where: { id }, data: { state, error, endedAt: new Date() } });
  }
}
