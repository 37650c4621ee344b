// Scenario runs as the brain answers them, built step by step, for the progress-rendering specs and the fake brain.
import type { ScenarioRun, ScenarioRunStep } from './scen-api';

type StepNode = ScenarioRunStep['nodes'][number];

export const HASH_A = 'a'.repeat(40);
export const HASH_B = `b${'0'.repeat(39)}`;

export function node(name: string, state: string, extra: Partial<StepNode> = {}): StepNode {
  const failed = state === 'failed';
  return {
    node: name,
    state,
    error: null,
    exitCode: state === 'success' ? 0 : failed ? 1 : null,
    ...extra,
  };
}

export function step(
  index: number,
  stage: number,
  kind: ScenarioRunStep['kind'],
  extra: Partial<ScenarioRunStep> = {},
): ScenarioRunStep {
  return {
    index,
    stage,
    kind,
    app: null,
    target: null,
    taskId: kind === 'record' || kind === 'forget' ? null : `task-${index}`,
    state: 'pending',
    detail: null,
    nodes: [],
    ...extra,
  };
}

export function run(steps: ScenarioRunStep[], extra: Partial<ScenarioRun> = {}): ScenarioRun {
  return {
    id: 'run-1',
    scenario: 'helloWorld',
    target: 'default',
    message: '',
    state: 'running',
    error: null,
    createdAt: '2024-06-18T12:00:00.000Z',
    endedAt: null,
    steps,
    ...extra,
  };
}

/** The same run with some steps changed (by index). */
export function advance(
  from: ScenarioRun,
  changes: Record<number, Partial<ScenarioRunStep>>,
  extra: Partial<ScenarioRun> = {},
): ScenarioRun {
  return {
    ...structuredClone(from),
    ...extra,
    steps: from.steps.map((s) => ({ ...structuredClone(s), ...(changes[s.index] ?? {}) })),
  };
}

/**
 * `default` of a one-app scenario on two nodes, from the apply answer to the end: push, record, prepare,
 * start. With `failing`, tentacle-2's start script fails (exit status 3) and so does the run.
 */
export function defaultRun(options: { failing?: boolean } = {}): ScenarioRun[] {
  const app = 'helloPrinter';
  const nodes = (state: string) => [node('tentacle-1', state), node('tentacle-2', state)];
  const planned = run([
    step(0, 0, 'push', { app }),
    step(1, 1, 'record'),
    step(2, 2, 'script', { app, target: 'prepare' }),
    step(3, 3, 'script', { app, target: 'start' }),
  ]);
  const pushing = advance(planned, {
    0: { state: 'running', nodes: [node('tentacle-1', 'success'), node('tentacle-2', 'running')] },
  });
  const preparing = advance(pushing, {
    0: { state: 'success', nodes: nodes('success') },
    1: { state: 'success', detail: HASH_A },
    2: { state: 'running', nodes: nodes('running') },
  });
  const startEnd = options.failing
    ? {
        state: 'failed' as const,
        detail: 'tentacle-2: exit status 3',
        nodes: [
          node('tentacle-1', 'success'),
          node('tentacle-2', 'failed', { error: 'exit status 3', exitCode: 3 }),
        ],
      }
    : { state: 'success' as const, nodes: nodes('success') };
  const ended = advance(
    preparing,
    { 2: { state: 'success', nodes: nodes('success') }, 3: startEnd },
    options.failing
      ? { state: 'failed', error: '1 step(s) failed', endedAt: '2024-06-18T12:00:09.000Z' }
      : { state: 'success', endedAt: '2024-06-18T12:00:09.000Z' },
  );
  return [planned, pushing, preparing, ended];
}
