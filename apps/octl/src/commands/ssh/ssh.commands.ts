import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerSshDel } from './del.command';
import { registerSshLogin } from './login.command';
import { registerSshLs } from './ls.command';
import { registerSshProxy } from './proxy.command';
import { registerSshSet } from './set.command';

/** SSH to nodes behind NAT, relayed by the brain over the nodes' own links. */
export function registerSshCommands(program: Command, ctx: CliContext): void {
  const ssh = program.command('ssh').description('log in to nodes (even behind NAT) through the brain');
  registerSshSet(ssh, ctx);
  registerSshLs(ssh, ctx);
  registerSshDel(ssh, ctx);
  registerSshLogin(ssh, ctx);
  registerSshProxy(ssh, ctx);
}
