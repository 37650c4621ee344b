import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { scenDepsOf, type ScenarioApi } from './scen-api';
import { scenarioText, scenariosTable } from './scen-text';

/** `ALL` (or nothing) lists every scenario, as Octopoda's `scen get`. */
export function isAll(word: string | undefined): boolean {
  return word === undefined || word === 'ALL';
}

/** `scen get [ALL | <scen>]`: the scenarios with their latest version, or one with its apps and nodeapps. */
export async function scenGet(
  api: Pick<ScenarioApi, 'listScenarios' | 'getScenario'>,
  words: readonly string[],
  out: OutputSink,
): Promise<void> {
  if (words.length > 1) throw new UsageError(`scen get takes one scenario, got: ${words.join(' ')}`);
  const [name] = words;
  if (isAll(name)) {
    const scenarios = await api.listScenarios();
    return out.print({ data: scenarios, table: () => scenariosTable(scenarios) });
  }
  const scenario = await api.getScenario(name!);
  out.print({ data: scenario, table: () => scenarioText(scenario) });
}

export function registerScenGet(scen: Command, ctx: CliContext): void {
  scen
    .command('get')
    .description('list the scenarios, or show one: its apps, their nodes and nodeapp versions')
    .argument('[scen...]', 'a scenario name; none or ALL: every scenario')
    .addHelpText('after', '\nExamples:\n  octl scen get\n  octl scen get helloWorld -o json')
    .action(async (words: string[]) => {
      const deps = await scenDepsOf(ctx);
      await scenGet(deps.api, words, deps.out);
    });
}
