import { OctopodApiError, type Invocation, type TaskDetail, type TaskOutputChunk } from '@octopod/sdk';
import type { TaskApi } from '../../context';
import { isTerminal } from './execution-result';
import { sleep } from './interrupts';

/** Octopoda's octl polls with these pauses, then every 960 ms (reference spec §1.8). */
const POLL_PAUSES_MS = [30, 60, 120, 240, 480, 960];

export interface FollowOptions {
  /** When following may stop before `done`: xrun returns once every node has accepted. */
  settled?(invocation: Invocation): boolean;
  onOutput?(chunk: TaskOutputChunk): void;
  /** Every invocation change, with the current state of all of them. */
  onChange?(invocations: readonly Invocation[]): void;
  signal: AbortSignal;
}

/** Stream problems where asking again is better than failing: an older brain, a lost stream. */
function worthPolling(error: unknown): boolean {
  if (!(error instanceof OctopodApiError)) return false;
  if (error.code === 'aborted' || error.code === 'task_not_found') return false;
  return (
    error.code === 'connection_dropped' ||
    error.code === 'bad_response' ||
    error.status === 404 ||
    error.status === 405 ||
    error.status === 501
  );
}

/**
 * Follows a task until it is done (or, with `settled`, until every invocation is settled), through its event
 * stream; if the stream cannot be had, by polling `getTask` as Octopoda's octl does. Resolves with the task as
 * last seen. Rejects when `signal` aborts.
 */
export async function followTask(
  api: TaskApi,
  task: TaskDetail,
  options: FollowOptions,
): Promise<TaskDetail> {
  const invocations = new Map(task.invocations.map((i) => [i.id, i]));
  const snapshot = (): TaskDetail => ({ ...task, invocations: [...invocations.values()] });
  const settled = options.settled;
  const allSettled = (): boolean => settled !== undefined && [...invocations.values()].every(settled);
  if (allSettled()) return snapshot();

  const enough = new AbortController();
  try {
    return await api.streamTaskEvents(
      task.id,
      (event) => {
        if (event.type === 'output') return options.onOutput?.(event.output);
        if (event.type !== 'invocation') return;
        invocations.set(event.invocation.id, event.invocation);
        options.onChange?.([...invocations.values()]);
        if (allSettled()) enough.abort();
      },
      { signal: AbortSignal.any([options.signal, enough.signal]) },
    );
  } catch (error) {
    if (enough.signal.aborted && !options.signal.aborted) return snapshot();
    if (options.signal.aborted || !worthPolling(error)) throw error;
  }
  return pollTask(
    api,
    task.id,
    (current) => {
      current.invocations.forEach((i) => invocations.set(i.id, i));
      options.onChange?.(current.invocations);
      return current.doneAt !== null || current.invocations.every(isTerminal) || allSettled();
    },
    options.signal,
  );
}

async function pollTask(
  api: TaskApi,
  id: string,
  isEnough: (task: TaskDetail) => boolean,
  signal: AbortSignal,
): Promise<TaskDetail> {
  for (let attempt = 0; ; attempt++) {
    const current = await api.getTask(id);
    if (isEnough(current)) return current;
    await sleep(POLL_PAUSES_MS[Math.min(attempt, POLL_PAUSES_MS.length - 1)], signal);
  }
}

/** Counts for the progress line: settled nodes and failed ones. */
export function progressCounts(
  invocations: readonly Invocation[],
  settled: (invocation: Invocation) => boolean = isTerminal,
): { done: number; failed: number } {
  let done = 0;
  let failed = 0;
  for (const invocation of invocations) {
    if (settled(invocation)) done++;
    if (isTerminal(invocation) && invocation.state !== 'success') failed++;
  }
  return { done, failed };
}
