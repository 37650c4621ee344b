import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { FOLLOW_HELP } from './apply.command';
import { startAndFollow } from './follow-run';
import { scenDepsOf } from './scen-api';
import { parseReset, type ResetOptions } from './scen-argv';

/** `-v`/`--version` are rewritten to `--to-version` before parsing (see scen-argv.ts). */
export function addResetOptions(command: Command): Command {
  return command
    .option('--to-version <prefix>', 'the version: its hash or a prefix of 2+ digits (also -v, --version)')
    .option('-m, --message <msg>', 'recorded with the new version');
}

export function registerScenReset(scen: Command, ctx: CliContext): void {
  addResetOptions(
    scen
      .command('reset')
      .description('put every nodeapp of a scenario back to a version; the result is a new version on top')
      .usage('[options] <scen> -v <version> -m <message>')
      .argument('<scen>', 'the scenario'),
  )
    .addHelpText(
      'after',
      `
Both -v and -m are required; here -v (--version) is the version to go back to, not octl's version.
Uncommitted changes in the nodeapps are lost; stop the scenario first.
${FOLLOW_HELP}

Examples:
  octl scen version helloWorld
  octl scen reset helloWorld -v 3f2a9c -m 'back to the tested one'`,
    )
    .action(async (name: string, options: ResetOptions) => {
      const reset = parseReset('scen reset', options);
      const deps = await scenDepsOf(ctx);
      await startAndFollow(deps, () => deps.api.resetScenario(name, reset));
    });
}
