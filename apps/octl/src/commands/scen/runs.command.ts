import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { UsageError } from '../../errors';
import { FOLLOW_HELP } from './apply.command';
import { startAndFollow } from './follow-run';
import { scenDepsOf } from './scen-api';
import { runsTable } from './scen-text';

const MAX_RUNS = 1000;

function runLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > MAX_RUNS)
    throw new UsageError(`-l/--limit must be a whole number from 1 to ${MAX_RUNS}, got "${text}"`);
  return n;
}

export function registerScenRuns(scen: Command, ctx: CliContext): void {
  scen
    .command('runs')
    .description('recent runs (apply, reset), newest first: id, scenario, target, state, time')
    .argument('[scen]', 'only the runs of this scenario')
    .option('-l, --limit <n>', 'at most n runs (default 20)')
    .addHelpText('after', '\nExamples:\n  octl scen runs\n  octl scen runs helloWorld -l 5')
    .action(async (scenario: string | undefined, options: { limit?: string }) => {
      const limit = runLimit(options.limit);
      const deps = await scenDepsOf(ctx);
      const runs = await deps.api.listScenarioRuns({
        ...(scenario === undefined ? {} : { scenario }),
        ...(limit === undefined ? {} : { limit }),
      });
      deps.out.print({ data: runs, table: () => runsTable(runs) });
    });

  scen
    .command('run')
    .description('one run, step by step; follows it while it goes on')
    .argument('<id>', 'the run id (from scen apply, scen reset, or scen runs)')
    .addHelpText(
      'after',
      `${FOLLOW_HELP}\n\nExamples:\n  octl scen run 7f3c2a…\n  octl scen run 7f3c2a… -o json`,
    )
    .action(async (id: string) => {
      const deps = await scenDepsOf(ctx);
      await startAndFollow(deps, () => deps.api.getScenarioRun(id));
    });
}
