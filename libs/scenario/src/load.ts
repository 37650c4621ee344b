import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readAliases } from './aliases';
import { readApplication } from './application';
import { findCycle } from './plan';
import { ScenarioError, type ScenarioIssue } from './issues';
import type { AppSpec, ScenarioSpec } from './model';
import { YamlFile } from './yaml-file';
import { nameProblem } from './names';

export const DEPLOYMENT_FILE = 'deployment.yaml';
export const ALIAS_FILE = 'alias.yaml';

/** The nodes a scenario names that the brain does not know, or that are not healthy (checked by the caller). */
export interface NodeCheck {
  unknown: string[];
  unhealthy: string[];
}

export interface LoadOptions {
  /** Asks the brain about the expanded node names; problems are reported against the apps naming them. */
  checkNodes?: (nodes: string[]) => Promise<NodeCheck>;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Reads and checks a scenario folder as Octopoda's checkConfig does (spec §10.2) — every field, the required
 * targets, duplicate targets, script files and folders present and inside the folder, aliases expanded with loop
 * detection — plus Octopod's `depends_on` (no unknown apps, no cycles) and `env`. Throws a ScenarioError listing
 * every problem with file, line and field.
 */
export async function loadScenario(folder: string, options: LoadOptions = {}): Promise<ScenarioSpec> {
  const dir = resolve(folder);
  const issues: ScenarioIssue[] = [];
  const deploymentText = await readText(join(dir, DEPLOYMENT_FILE));
  if (deploymentText === undefined) {
    throw new ScenarioError([{ file: DEPLOYMENT_FILE, line: null, field: '', message: `missing in ${dir}` }]);
  }
  const aliasText = await readText(join(dir, ALIAS_FILE));
  const aliasFile = aliasText === undefined ? undefined : YamlFile.parse(ALIAS_FILE, aliasText, issues);
  const aliases = readAliases(aliasFile, issues);
  const file = YamlFile.parse(DEPLOYMENT_FILE, deploymentText, issues);
  if (file.value === undefined) throw new ScenarioError(issues);
  const root = file.value as Record<string, unknown> | null;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new ScenarioError([
      ...issues,
      file.issue([], 'must be a mapping with name, description and applications'),
    ]);
  }
  const name = typeof root.name === 'string' ? root.name : '';
  if (!name) issues.push(file.issue(['name'], 'is required'));
  else if (nameProblem(name)) issues.push(file.issue(['name'], nameProblem(name) as string));
  const description = typeof root.description === 'string' ? root.description : '';
  if (!description.trim()) issues.push(file.issue(['description'], 'is required and must not be empty'));
  const rawApps = Array.isArray(root.applications) ? root.applications : [];
  if (rawApps.length === 0) issues.push(file.issue(['applications'], 'must list at least one application'));
  const applications: AppSpec[] = [];
  for (const [index, raw] of rawApps.entries()) {
    const app = await readApplication(raw, index, { dir, file, aliases, issues });
    if (app) applications.push(app);
  }
  checkAppNames(applications, file, issues);
  if (options.checkNodes) await checkNodes(applications, options.checkNodes, file, issues);
  if (issues.length) throw new ScenarioError(issues);
  return { dir, name, description, applications };
}

function checkAppNames(apps: AppSpec[], file: YamlFile, issues: ScenarioIssue[]): void {
  const names = new Set<string>();
  apps.forEach((app, index) => {
    if (app.name && names.has(app.name))
      issues.push(file.issue(['applications', index, 'name'], `duplicate application "${app.name}"`));
    names.add(app.name);
  });
  apps.forEach((app, index) => {
    for (const dependency of app.dependsOn) {
      if (dependency === app.name)
        issues.push(
          file.issue(['applications', index, 'depends_on'], 'an application cannot depend on itself'),
        );
      else if (!names.has(dependency))
        issues.push(file.issue(['applications', index, 'depends_on'], `unknown application "${dependency}"`));
    }
  });
  const cycle = findCycle(apps);
  if (cycle) issues.push(file.issue(['applications'], `depends_on cycle: ${cycle.join(' -> ')}`));
}

async function checkNodes(
  apps: AppSpec[],
  check: (nodes: string[]) => Promise<NodeCheck>,
  file: YamlFile,
  issues: ScenarioIssue[],
): Promise<void> {
  const all = [...new Set(apps.flatMap((app) => app.nodes))];
  if (all.length === 0) return;
  const { unknown, unhealthy } = await check(all);
  apps.forEach((app, index) => {
    const bad = (list: string[]) => app.nodes.filter((node) => list.includes(node));
    if (bad(unknown).length)
      issues.push(file.issue(['applications', index, 'nodes'], `unknown nodes: ${bad(unknown).join(', ')}`));
    if (bad(unhealthy).length)
      issues.push(
        file.issue(['applications', index, 'nodes'], `unhealthy nodes: ${bad(unhealthy).join(', ')}`),
      );
  });
}
