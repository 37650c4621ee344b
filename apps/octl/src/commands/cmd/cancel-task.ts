import type { TaskDetail } from '@octopod/sdk';
import type { TaskApi, Terminal } from '../../context';
import { OctlError } from '../../errors';
import { isTerminal } from './execution-result';
import { followTask } from './follow-task';
import { unlessAborted, type Interrupts } from './interrupts';

/** After Ctrl-C, how long to wait for the nodes to confirm the cancellation before printing what is known. */
const CANCEL_WAIT_MS = 5_000;
export const EXIT_INTERRUPTED = 130;

/**
 * After Ctrl-C: cancels the task on the nodes and waits briefly for them to confirm (a second Ctrl-C stops the
 * wait); resolves with the task as last seen. The task is marked cancelled at once; its running invocations end
 * when their nodes have stopped them.
 */
export async function cancelAfterInterrupt(
  api: TaskApi,
  terminal: Terminal,
  task: TaskDetail,
  interrupts: Interrupts,
): Promise<TaskDetail> {
  terminal.writeErr(`octl: interrupted, cancelling task ${task.id}...\n`);
  let last: TaskDetail;
  try {
    last = await unlessAborted(api.cancelTask(task.id), interrupts.again);
  } catch (error) {
    const reason = interrupts.again.aborted ? 'interrupted again' : (error as Error).message;
    throw new OctlError(`task ${task.id} may still run: cancelling failed (${reason})`, EXIT_INTERRUPTED);
  }
  if (last.invocations.every(isTerminal)) return last;
  const signal = AbortSignal.any([interrupts.again, AbortSignal.timeout(CANCEL_WAIT_MS)]);
  return followTask(api, last, { signal }).catch(() => last);
}
