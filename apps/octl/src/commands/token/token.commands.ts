import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerTokenLs } from './ls.command';
import { registerTokenRevoke } from './revoke.command';

export function registerTokenCommands(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('API tokens (made by `octl login`)');
  registerTokenLs(token, ctx);
  registerTokenRevoke(token, ctx);
}
