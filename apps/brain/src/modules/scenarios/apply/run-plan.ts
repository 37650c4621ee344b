import { planTarget, type ScenarioSpec } from '@octopod/scenario';
import { ApiError } from '../../../core/http/api-error';

/** The targets the brain does more for than run scripts. */
export const SPECIAL_TARGETS = ['prepare', 'default', 'commit', 'purge'] as const;

/** What a step needs to start; stored with it, so a resumed run starts exactly the same thing. */
export type StepSpec =
  | { kind: 'push'; nodes: string[]; blob: string; size: number; message: string }
  | { kind: 'script'; nodes: string[]; file: string; contentBase64: string; env: Record<string, string> }
  | { kind: 'commit'; nodes: string[]; message: string }
  | { kind: 'reset'; nodes: string[]; version: string; message: string }
  | { kind: 'remove'; nodes: string[] }
  | {
      kind: 'record';
      message: string;
      /** `if-changed`: only when a nodeapp or the folder changed (re-prepare); `reset`: back to `resetTo`. */
      mode: 'if-changed' | 'always' | 'reset';
      /** The scenario folder's blob (a tar of its contents), kept in the brain's git with the version. */
      source: string | null;
      resetTo: string | null;
    }
  | { kind: 'forget' };

export type StepKind = StepSpec['kind'];

export interface PlannedStep {
  stage: number;
  app: string | null;
  /** The script target, for script steps. */
  target: string | null;
  spec: StepSpec;
}

export interface ApplyInputs {
  /** Each app's sourcepath contents as an uploaded tar blob. */
  sources: ReadonlyMap<string, { blob: string; size: number }>;
  /** Script file (relative to the folder) → contents, base64. */
  scripts: ReadonlyMap<string, string>;
  /** The whole folder's blob. */
  folder: string;
}

/**
 * The steps of `apply <target>`, stage by stage (steps of one stage run in parallel):
 * - prepare: every app's sources into its nodeapps (committed there), a scenario version, then the prepare scripts;
 * - default: prepare, then the start scripts;
 * - commit: a commit in every nodeapp, then a version (every time, as Octopoda);
 * - purge: the purge scripts, then every nodeapp removed, then the scenario forgotten;
 * - start, stop and custom targets: their scripts, by order and depends_on; apps without the target are skipped.
 */
export function planApply(
  scenario: ScenarioSpec,
  target: string,
  message: string,
  inputs: ApplyInputs,
): PlannedStep[] {
  const steps: PlannedStep[] = [];
  let stage = 0;
  const perApp = (make: (app: ScenarioSpec['applications'][number]) => StepSpec) => {
    for (const app of scenario.applications)
      steps.push({ stage, app: app.name, target: null, spec: make(app) });
    stage += 1;
  };
  const brainStep = (spec: StepSpec) => {
    steps.push({ stage, app: null, target: null, spec });
    stage += 1;
  };
  const scripts = (name: string) => {
    for (const planned of planTarget(scenario, name)) {
      for (const step of planned) {
        const contentBase64 = inputs.scripts.get(step.file);
        if (contentBase64 === undefined) throw new Error(`script ${step.file} was not read`);
        steps.push({
          stage,
          app: step.app.name,
          target: name,
          spec: { kind: 'script', nodes: step.app.nodes, file: step.file, contentBase64, env: step.app.env },
        });
      }
      stage += 1;
    }
  };

  switch (target) {
    case 'prepare':
    case 'default':
      perApp((app) => {
        const source = inputs.sources.get(app.name);
        if (!source) throw new Error(`the sources of ${app.name} were not packed`);
        return { kind: 'push', nodes: app.nodes, ...source, message: message || 'prepare' };
      });
      brainStep({
        kind: 'record',
        message: message || 'prepare',
        mode: 'if-changed',
        source: inputs.folder,
        resetTo: null,
      });
      scripts('prepare');
      if (target === 'default') scripts('start');
      break;
    case 'commit':
      if (!message) throw new ApiError(400, 'message_required', 'the commit target needs a message (-m)');
      perApp((app) => ({ kind: 'commit', nodes: app.nodes, message }));
      brainStep({ kind: 'record', message, mode: 'always', source: inputs.folder, resetTo: null });
      break;
    case 'purge':
      scripts('purge');
      perApp((app) => ({ kind: 'remove', nodes: app.nodes }));
      brainStep({ kind: 'forget' });
      break;
    default:
      if (!scenario.applications.some((app) => app.scripts.some((s) => s.target === target))) {
        throw new ApiError(
          422,
          'unknown_target',
          `no application of ${scenario.name} has a "${target}" target (known: ${knownTargets(scenario).join(', ')})`,
        );
      }
      scripts(target);
  }
  return steps;
}

function knownTargets(scenario: ScenarioSpec): string[] {
  const names = new Set<string>(SPECIAL_TARGETS);
  for (const app of scenario.applications) for (const script of app.scripts) names.add(script.target);
  return [...names].sort();
}
