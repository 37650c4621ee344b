import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerTaskGet } from './get.command';
import { registerTaskLogs } from './logs.command';
import { registerTaskLs } from './ls.command';

export function registerTaskCommands(program: Command, ctx: CliContext): void {
  const task = program.command('task').description('history of commands run on nodes');
  registerTaskLs(task, ctx);
  registerTaskGet(task, ctx);
  registerTaskLogs(task, ctx);
}
