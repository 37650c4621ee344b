import type { Command } from 'commander';
import type { CliContext, TaskApi } from '../../context';
import type { OutputSink } from '../../output/output';
import { taskDetailTable } from './task-text';

/** One task with its invocation on every node. */
export async function taskGet(api: Pick<TaskApi, 'getTask'>, id: string, out: OutputSink): Promise<void> {
  const task = await api.getTask(id);
  out.print({ data: task, table: () => taskDetailTable(task) });
}

export function registerTaskGet(task: Command, ctx: CliContext): void {
  task
    .command('get')
    .description("a task and each node's state, exit code, times and error")
    .argument('<id>', 'task id (from cmd run, or octl task ls)')
    .addHelpText('after', '\nExamples:\n  octl task get 6f1c2a9e-…\n  octl task get 6f1c2a9e-… -o json')
    .action(async (id: string) => {
      await taskGet(await ctx.client(), id, ctx.output());
    });
}
