import type { TaskDetail, TransferProgress } from '@octopod/sdk';
import type { CliContext, SignalSource, TaskApi, Terminal } from '../../context';
import { OctlError } from '../../errors';
import type { OutputFormat, OutputSink } from '../../output/output';
import { isTerminal } from '../cmd/execution-result';
import { followTask } from '../cmd/follow-task';
import { unlessAborted, type Interrupts } from '../cmd/interrupts';
import { EXIT_INTERRUPTED } from '../cmd/run-task';
import { fileApiOf, type FileApi } from './file-api';
import type { TransferView } from './transfer-view';

/** After Ctrl-C, how long to wait for the nodes to confirm the cancellation. */
const CANCEL_WAIT_MS = 5_000;

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

/** Cancels the task on the nodes and waits briefly for them to confirm; resolves with the task as last seen. */
async function cancelTask(deps: FileDeps, task: TaskDetail, interrupts: Interrupts): Promise<TaskDetail> {
  deps.terminal.writeErr(`octl: interrupted, cancelling task ${task.id}...\n`);
  let last: TaskDetail;
  try {
    last = await unlessAborted(deps.api.cancelTask(task.id), interrupts.again);
  } catch (error) {
    const reason = interrupts.again.aborted ? 'interrupted again' : (error as Error).message;
    throw new OctlError(`task ${task.id} may still run: cancelling failed (${reason})`, EXIT_INTERRUPTED);
  }
  if (last.invocations.every(isTerminal)) return last;
  const signal = AbortSignal.any([interrupts.again, AbortSignal.timeout(CANCEL_WAIT_MS)]);
  return followTask(deps.api, last, { signal }).catch(() => last);
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
    return { task: await cancelTask(deps, task, interrupts), interrupted: true };
  }
}

export function interrupted(task: TaskDetail): OctlError {
  return new OctlError(`interrupted: task ${task.id} cancelled`, EXIT_INTERRUPTED);
}
