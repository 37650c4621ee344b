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

const TASK_STATES = ['running', 'done', 'cancelled'] as const;
type TaskState = (typeof TASK_STATES)[number];
const isTaskState = (s: string): s is TaskState => (TASK_STATES as readonly string[]).includes(s);
/** The brain's page size bound. */
const MAX_LIMIT = 200;

/** Task history, newest first; `--before` pages back. */
export async function taskLs(
  api: Pick<TaskApi, 'listTasks'>,
  options: TaskLsOptions,
  out: OutputSink,
): Promise<void> {
  const limit = options.limit;
  if (limit !== undefined && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT)) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got "${limit}"`);
  }
  const state = options.state;
  if (state !== undefined && !isTaskState(state)) {
    throw new UsageError(`--state must be one of ${TASK_STATES.join(', ')}, got "${state}"`);
  }
  const list = await api.listTasks({ limit, node: options.node, state, before: options.before });
  out.print({ data: list, table: () => taskListTable(list) });
}

export function registerTaskLs(task: Command, ctx: CliContext): void {
  task
    .command('ls')
    .description('list tasks, newest first')
    .option('--limit <n>', 'at most n tasks')
    .option('--node <name>', 'only tasks that ran on this node')
    .option('--state <state>', 'only tasks in this state (running, done, cancelled)')
    .option('--before <cursor>', 'the page older than this creation time (printed at the end of a full page)')
    .addHelpText(
      'after',
      '\nExamples:\n  octl task ls\n  octl task ls --limit 5 --node pi-1\n  octl task ls --state running -o json',
    )
    .action(async (options: TaskLsOptions) => {
      await taskLs(await ctx.client(), options, ctx.output());
    });
}
