import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerWgAdd } from './add.command';
import { registerWgCd } from './cd.command';
import { registerWgGet } from './get.command';
import { registerWgGrant } from './grant.command';
import { registerWgLs } from './ls.command';
import { registerWgPwd } from './pwd.command';
import { registerWgRm } from './rm.command';

export function registerWgCommands(program: Command, ctx: CliContext): void {
  const wg = program
    .command('wg')
    .description('workgroups: slices of the fleet, each with its own password (paths like /lab/team)');
  registerWgPwd(wg, ctx);
  registerWgCd(wg, ctx);
  registerWgLs(wg, ctx);
  registerWgGet(wg, ctx);
  registerWgAdd(wg, ctx);
  registerWgRm(wg, ctx);
  registerWgGrant(wg, ctx);
}
