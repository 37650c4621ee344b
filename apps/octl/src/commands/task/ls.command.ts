import type { Command } from 'commander';
import type { CliContext, TaskApi } from '../../context';
import { UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { taskListTable } from './task-text';

export interface TaskLsOptions {
  limit?: string;
  node?: string;
  state?: string;
  before?: string;
}

/** Task history, newest first; `--before` pages back. */
export async function taskLs(
  api: Pick<TaskApi, 'listTasks'>,
  options: TaskLsOptions,
  out: OutputSink,
): Promise<void> {
  let limit: number | undefined;
  if (options.limit !== undefined) {
    limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit must be a positive whole number, got "${options.limit}"`);
  }
  const list = await api.listTasks({
    limit,
    node: options.node,
    state: options.state,
    before: options.before,
  });
  out.print({ data: list, table: () => taskListTable(list) });
}

export function registerTaskLs(task: Command, ctx: CliContext): void {
  task
    .command('ls')
    .description('list tasks, newest first')
    .option('--limit <n>', 'at most n tasks')
    .option('--node <name>', 'only tasks that ran on this node')
    .option('--state <state>', 'only tasks in this state (running, done, cancelled)')
    .option('--before <cursor>', 'the page older than this (printed at the end of a full page)')
    .addHelpText(
      'after',
      '\nExamples:\n  octl task ls\n  octl task ls --limit 5 --node pi-1\n  octl task ls --state running -o json',
    )
    .action(async (options: TaskLsOptions) => {
      await taskLs(await ctx.client(), options, ctx.output());
    });
}
