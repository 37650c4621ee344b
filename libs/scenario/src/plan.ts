import type { AppSpec, ScenarioSpec } from './model';

/** A dependency cycle among the apps (names, first repeated at the end), or undefined. */
export function findCycle(apps: readonly AppSpec[]): string[] | undefined {
  // The first of duplicate names counts (duplicates are reported on their own).
  const byName = new Map<string, AppSpec>();
  for (const app of apps) if (!byName.has(app.name)) byName.set(app.name, app);
  const state = new Map<string, 'visiting' | 'done'>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const dependency of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(dependency)) continue;
      const cycle = walk(dependency, [...path, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    return undefined;
  };
  for (const app of apps) {
    const cycle = walk(app.name, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** One app's part in a target: the app and its script for that target. */
export interface PlannedStep {
  app: AppSpec;
  file: string;
  order: number;
}

/**
 * The stages of a target, run one after the other; the apps of a stage run in parallel (each on all its nodes).
 * Apps without the target are left out (Octopoda skips them silently). A stage holds the apps of the lowest
 * `order` left whose `depends_on` (among apps with this target) already ran; a dependency runs first even when its
 * order is higher.
 */
export function planTarget(scenario: ScenarioSpec, target: string): PlannedStep[][] {
  const steps: PlannedStep[] = scenario.applications.flatMap((app) => {
    const script = app.scripts.find((s) => s.target === target);
    return script ? [{ app, file: script.file, order: script.order }] : [];
  });
  const inTarget = new Set(steps.map((step) => step.app.name));
  const done = new Set<string>();
  const stages: PlannedStep[][] = [];
  let left = steps;
  while (left.length) {
    const ready = left.filter((step) => step.app.dependsOn.every((d) => !inTarget.has(d) || done.has(d)));
    if (ready.length === 0)
      throw new Error(`depends_on cycle among ${left.map((s) => s.app.name).join(', ')}`);
    const order = Math.min(...ready.map((step) => step.order));
    const stage = ready.filter((step) => step.order === order);
    stages.push(stage);
    for (const step of stage) done.add(step.app.name);
    left = left.filter((step) => !done.has(step.app.name));
  }
  return stages;
}
