import { loadScenario, type ScenarioSpec } from '@octopod/scenario';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../core/http/api-error';
import { planApply, type ApplyInputs, type PlannedStep } from './run-plan';

const EXAMPLE = join(__dirname, '../../../../../../examples/helloWorld');

/** Each stage as "kind:app[:target]" entries, sorted within the stage. */
function stages(steps: PlannedStep[]): string[][] {
  const byStage = new Map<number, string[]>();
  for (const step of steps) {
    const label = [step.spec.kind, step.app ?? 'brain', step.target].filter(Boolean).join(':');
    byStage.set(step.stage, [...(byStage.get(step.stage) ?? []), label]);
  }
  return [...byStage.entries()].sort((a, b) => a[0] - b[0]).map(([, labels]) => labels.sort());
}

describe('planApply (examples/helloWorld)', () => {
  let scenario: ScenarioSpec;
  let inputs: ApplyInputs;
  beforeAll(async () => {
    scenario = await loadScenario(EXAMPLE);
    const files = scenario.applications.flatMap((app) => app.scripts.map((s) => s.file));
    inputs = {
      sources: new Map(scenario.applications.map((app) => [app.name, { blob: `blob-${app.name}`, size: 1 }])),
      scripts: new Map(files.map((file) => [file, Buffer.from(file).toString('base64')])),
      folder: 'folder-blob',
    };
  });

  it('prepare: every source in parallel, a version, then the prepare scripts by order', () => {
    expect(stages(planApply(scenario, 'prepare', 'm', inputs))).toEqual([
      ['push:helloPrinter', 'push:helloWorldPrinter', 'push:worldPrinter'],
      ['record:brain'],
      ['script:worldPrinter:prepare'],
      ['script:helloWorldPrinter:prepare'],
      ['script:helloPrinter:prepare'],
    ]);
  });

  it('default: prepare, then start in its own order; pushes carry their nodes, blob and message', () => {
    const steps = planApply(scenario, 'default', 'first', inputs);
    expect(stages(steps).slice(5)).toEqual([
      ['script:helloPrinter:start'],
      ['script:worldPrinter:start'],
      ['script:helloWorldPrinter:start'],
    ]);
    expect(steps[0].spec).toEqual({
      kind: 'push',
      nodes: ['tentacle-1'],
      blob: 'blob-helloPrinter',
      size: 1,
      message: 'first',
    });
    const record = steps.find((s) => s.spec.kind === 'record')!.spec;
    expect(record).toEqual({
      kind: 'record',
      message: 'first',
      mode: 'if-changed',
      source: 'folder-blob',
      resetTo: null,
    });
    const script = steps.find((s) => s.spec.kind === 'script')!.spec;
    expect(script).toMatchObject({ kind: 'script', nodes: ['tentacle-2'], file: 'world/scripts/prepare.sh' });
  });

  it('commit needs a message and always records a version', () => {
    expect(() => planApply(scenario, 'commit', '', inputs)).toThrow(ApiError);
    expect(stages(planApply(scenario, 'commit', 'c', inputs))).toEqual([
      ['commit:helloPrinter', 'commit:helloWorldPrinter', 'commit:worldPrinter'],
      ['record:brain'],
    ]);
  });

  it('purge: the purge scripts, then every nodeapp removed, then the scenario forgotten', () => {
    const planned = stages(planApply(scenario, 'purge', '', inputs));
    expect(planned.at(-2)).toEqual([
      'remove:helloPrinter',
      'remove:helloWorldPrinter',
      'remove:worldPrinter',
    ]);
    expect(planned.at(-1)).toEqual(['forget:brain']);
    expect(
      planned
        .slice(0, -2)
        .flat()
        .every((label) => label.endsWith(':purge')),
    ).toBe(true);
  });

  it('a custom target runs only where it is defined; an unknown one is refused with the known ones', () => {
    expect(stages(planApply(scenario, 'greet', '', inputs))).toEqual([['script:helloPrinter:greet']]);
    let error: unknown;
    try {
      planApply(scenario, 'nope', '', inputs);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/no application of helloWorld has a "nope" target.*greet/);
  });
});
