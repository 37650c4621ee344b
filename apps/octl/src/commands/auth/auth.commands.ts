import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerLogin } from './login.command';
import { registerLogout } from './logout.command';

export function registerAuthCommands(program: Command, ctx: CliContext): void {
  registerLogin(program, ctx);
  registerLogout(program, ctx);
}
