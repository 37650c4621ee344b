import type { TaskDetail, TransferProgress } from '@octopod/sdk';
import type { CliContext, SignalSource, TaskApi, Terminal } from '../../context';
import { OctlError } from '../../errors';
import type { OutputFormat, OutputSink } from '../../output/output';
import { followTask } from '../cmd/follow-task';
import type { Interrupts } from '../cmd/interrupts';
import { cancelAfterInterrupt, EXIT_INTERRUPTED } from '../cmd/cancel-task';
import { fileApiOf, type FileApi } from './file-api';
import type { TransferView } from './transfer-view';

/** After Ctrl-C, how long to wait for the nodes to confirm the cancellation. */

export interface FileDeps {
  api: FileApi;
  out: OutputSink;
  format: OutputFormat;
  terminal: Terminal;
  signals?: SignalSource;
  now(): number;
}

export async function fileDepsOf(ctx: CliContext): Promise<FileDeps> {
  return {
    api: await fileApiOf(ctx),
    out: ctx.output(),
    format: ctx.format(),
    terminal: ctx.terminal,
    signals: ctx.signals,
    now: ctx.now,
  };
}

/** The task API, with the stream's `progress` events handed to `onProgress` on the way. */
function withProgress(api: TaskApi, onProgress: (progress: TransferProgress) => void): TaskApi {
  return {
    resolveNodes: (body) => api.resolveNodes(body),
    createTask: (body) => api.createTask(body),
    listTasks: (query) => api.listTasks(query),
    getTask: (id) => api.getTask(id),
    cancelTask: (id) => api.cancelTask(id),
    streamTaskEvents: (id, onEvent, options) =>
      api.streamTaskEvents(
        id,
        (event) => {
          if (event.type === 'progress') onProgress(event.progress);
          onEvent(event);
        },
        options,
      ),
  };
}

export interface Followed {
  task: TaskDetail;
  /** Ctrl-C cancelled the task: show what is known, then exit 130. */
  interrupted: boolean;
}

/**
 * Follows a push or pull task to its end, showing its progress; the first Ctrl-C cancels it on the nodes (the
 * result then says `interrupted`), a second stops waiting for that.
 */
export async function followFileTask(
  deps: FileDeps,
  task: TaskDetail,
  view: TransferView,
  interrupts: Interrupts,
): Promise<Followed> {
  view.nodes(task.invocations);
  try {
    const done = await followTask(
      withProgress(deps.api, (progress) => view.nodeProgress(progress)),
      task,
      { signal: interrupts.first, onChange: (invocations) => view.nodes(invocations) },
    );
    return { task: done, interrupted: false };
  } catch (error) {
    if (!interrupts.fired) throw error;
    view.stop();
    return { task: await cancelAfterInterrupt(deps.api, deps.terminal, task, interrupts), interrupted: true };
  }
}

export function interrupted(task: TaskDetail): OctlError {
  return new OctlError(`interrupted: task ${task.id} cancelled`, EXIT_INTERRUPTED);
}
