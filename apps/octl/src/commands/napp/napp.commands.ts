import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerNappGet } from './get.command';
import { registerNappReset } from './reset.command';
import { registerNappVersion } from './version.command';

/** NodeApps: an application of a scenario on one node (`<app>@<scen>`), a git repository there. */
export function registerNappCommands(program: Command, ctx: CliContext): void {
  const napp = program
    .command('napp')
    .description('nodeapps (<app>@<scen> on a node): their versions, and going back to one');
  registerNappGet(napp, ctx);
  registerNappVersion(napp, ctx);
  registerNappReset(napp, ctx);
}
