import type { OctopodClient } from '@octopod/sdk';
import type { CliContext, SignalSource, Terminal } from '../../context';
import { OctlError } from '../../errors';
import type { OutputFormat, OutputSink } from '../../output/output';

/** The brain operations of `scen` and `napp`: scenarios, their runs and versions, nodeapps, and blob upload. */
export type ScenarioApi = Pick<
  OctopodClient,
  | 'uploadBlob'
  | 'applyScenario'
  | 'listScenarios'
  | 'getScenario'
  | 'listScenarioVersions'
  | 'resetScenario'
  | 'listScenarioRuns'
  | 'getScenarioRun'
  | 'listNodeApps'
  | 'listNodeAppVersions'
  | 'resetNodeApp'
>;

// The SDK's index does not re-export these generated types; they are read off the operations instead.
export type ScenarioRun = Awaited<ReturnType<ScenarioApi['getScenarioRun']>>;
export type ScenarioRunStep = ScenarioRun['steps'][number];
export type Scenario = Awaited<ReturnType<ScenarioApi['getScenario']>>;
export type ScenarioVersion = Awaited<ReturnType<ScenarioApi['listScenarioVersions']>>[number];
export type NodeApp = Awaited<ReturnType<ScenarioApi['listNodeApps']>>[number];
export type NodeAppVersion = NodeApp['versions'][number];

const SCENARIO_OPERATIONS = [
  'uploadBlob',
  'applyScenario',
  'listScenarios',
  'getScenario',
  'listScenarioVersions',
  'resetScenario',
  'listScenarioRuns',
  'getScenarioRun',
  'listNodeApps',
  'listNodeAppVersions',
  'resetNodeApp',
] as const satisfies readonly (keyof ScenarioApi)[];

/** What the `scen` and `napp` commands work with. */
export interface ScenDeps {
  api: ScenarioApi;
  out: OutputSink;
  format: OutputFormat;
  terminal: Terminal;
  signals?: SignalSource;
}

/**
 * The connected client, with its scenario operations. The CLI context types its client by the operations the
 * other command groups use; the SDK client has these too, and a test's fake must.
 */
export async function scenDepsOf(ctx: CliContext): Promise<ScenDeps> {
  const api = (await ctx.client()) as Partial<Record<string, unknown>>;
  const missing = SCENARIO_OPERATIONS.filter((operation) => typeof api[operation] !== 'function');
  if (missing.length > 0)
    throw new OctlError(`this brain client has no scenario operations (${missing.join(', ')})`);
  return {
    api: api as unknown as ScenarioApi,
    out: ctx.output(),
    format: ctx.format(),
    terminal: ctx.terminal,
    signals: ctx.signals,
  };
}
