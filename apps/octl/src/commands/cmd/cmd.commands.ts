import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerCmdRun } from './run.command';
import { registerCmdXrun } from './xrun.command';

export function registerCmdCommands(program: Command, ctx: CliContext): void {
  const cmd = program.command('cmd').description('run commands and scripts on nodes');
  registerCmdRun(cmd, ctx);
  registerCmdXrun(cmd, ctx);
}
