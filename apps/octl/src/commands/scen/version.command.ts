import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { scenDepsOf } from './scen-api';
import { parsePage } from './scen-argv';
import { versionsTable } from './scen-text';

/** Shared by `scen version` and `napp version`. */
export const PAGE_HELP = `
Newest first. -o here is the offset, as in Octopoda: give the output format as --output (or before the
subcommand: octl -o json scen version …).`;

/** `-o` is rewritten to `--offset` before parsing (see scen-argv.ts). */
export function addPageOptions(command: Command): Command {
  return command
    .option('--offset <n>', 'skip the n newest versions (default 0; also -o, as in Octopoda)')
    .option('-l, --limit <n>', 'show at most n versions (default 5)');
}

export function registerScenVersion(scen: Command, ctx: CliContext): void {
  addPageOptions(
    scen
      .command('version')
      .description("a scenario's versions: hash, time and message, newest first")
      .usage('[options] <scen> [-o <offset>] [-l <limit>]')
      .argument('<scen>', 'the scenario'),
  )
    .addHelpText(
      'after',
      `${PAGE_HELP}

Examples:
  octl scen version helloWorld
  octl scen version helloWorld -o 5 -l 10
  octl scen version helloWorld --output json`,
    )
    .action(async (name: string, options: { offset?: string; limit?: string }) => {
      const page = parsePage(options);
      const deps = await scenDepsOf(ctx);
      const versions = await deps.api.listScenarioVersions(name, page);
      deps.out.print({ data: versions, table: () => versionsTable(versions) });
    });
}
