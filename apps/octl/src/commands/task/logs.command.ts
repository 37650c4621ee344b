import type { Command } from 'commander';
import type { CliContext, TaskApi, Terminal } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { LiveOutput } from '../cmd/live-output';
import { nodeLogs, nodeLogsText } from './task-text';

export interface TaskLogsOptions {
  node?: string;
  follow?: boolean;
}

/** Stored output of each node (the tails the brain keeps inline). */
export async function taskLogs(
  api: Pick<TaskApi, 'getTask'>,
  id: string,
  options: TaskLogsOptions,
  out: OutputSink,
): Promise<void> {
  const task = await api.getTask(id);
  const logs = nodeLogs(task, options.node);
  if (options.node !== undefined && logs.length === 0)
    throw new OctlError(`task ${id} did not run on ${options.node}`);
  out.print({ data: { taskId: task.id, logs }, table: () => nodeLogsText(logs) });
}

/** `--follow`: the whole output so far (the stream replays it), then live, prefixed by node, until the task ends. */
export async function followLogs(
  api: Pick<TaskApi, 'streamTaskEvents'>,
  id: string,
  node: string | undefined,
  terminal: Terminal,
  now: () => number,
): Promise<void> {
  const live = new LiveOutput(terminal, { total: 0, progress: false, now });
  await api.streamTaskEvents(id, (event) => {
    if (event.type === 'output' && (node === undefined || event.output.node === node))
      live.output(event.output);
  });
  live.finish();
}

export function registerTaskLogs(task: Command, ctx: CliContext): void {
  task
    .command('logs')
    .description("each node's stdout and stderr (and a script's output) for a task")
    .argument('<id>', 'task id')
    .option('--node <name>', 'only this node')
    .option('-f, --follow', 'the full output, then live until the task ends, each line prefixed by its node')
    .addHelpText(
      'after',
      '\nExamples:\n  octl task logs 6f1c2a9e-…\n  octl task logs 6f1c2a9e-… --node pi-1\n  octl task logs -f 6f1c2a9e-…',
    )
    .action(async (id: string, options: TaskLogsOptions) => {
      const api = await ctx.client();
      if (options.follow) return followLogs(api, id, options.node, ctx.terminal, ctx.now);
      await taskLogs(api, id, options, ctx.output());
    });
}
