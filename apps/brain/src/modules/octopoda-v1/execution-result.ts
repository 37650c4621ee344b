import { nodeAppOutcomeSchema } from '@octopod/protocol';
import type { Invocation, Task } from '../../generated/prisma/client';
import type { TaskOptions } from '../tasks/task-options';

/** Octopoda's ExecutionResult (protocols/result.go); Code 0 OK, 1 communication error, 2 process error. */
export interface ExecutionResult {
  Name: string;
  Code: 0 | 1 | 2;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
  ResultCompatible: string;
}

const result = (name: string, code: 0 | 1 | 2, fields: Partial<ExecutionResult> = {}): ExecutionResult => ({
  Name: name,
  Code: code,
  CommunicationErrorMsg: '',
  ProcessErrorMsg: '',
  Result: '',
  ResultCompatible: '',
  ...fields,
});

/** Whether the Octopoda face may answer: everything ended, or (xrun) every node accepted. */
export function isReadyForV1(task: Task, invocations: Invocation[]): boolean {
  if (task.doneAt) return true;
  const options = task.options as unknown as TaskOptions;
  return options.loadedOnAccept && invocations.every((i) => i.acceptedAt !== null || i.endedAt !== null);
}

/** One invocation as Octopoda's brain would have reported it. */
export function toExecutionResult(task: Task, invocation: Invocation): ExecutionResult {
  const options = task.options as unknown as TaskOptions;
  const name = invocation.node;
  if (options.loadedOnAccept && invocation.acceptedAt) return result(name, 0, { Result: 'loaded' });
  const isFile = task.kind === 'file_push' || task.kind === 'file_pull';
  switch (invocation.state) {
    case 'success':
      if (changesNodeApp(task, options)) return nodeAppSuccess(task, invocation);
      // A push answers "OK"; a pull's output (its blob) is turned into Octopoda's zip payload by the caller.
      if (isFile) return result(name, 0, { Result: task.kind === 'file_push' ? 'OK' : invocation.output });
      if (options.background) return result(name, 0, { Result: String(invocation.pid ?? invocation.output) });
      return result(name, 0, { Result: task.kind === 'script' ? invocation.output : invocation.stdout });
    case 'delivery_timed_out':
      return result(name, 1, {
        CommunicationErrorMsg: `Send ${task.kind} request: ${invocation.error ?? 'node not connected'}`,
      });
    case 'failed':
      if (!invocation.acceptedAt)
        return result(name, 1, {
          CommunicationErrorMsg: `Send ${task.kind} request: ${invocation.error ?? 'refused'}`,
        });
      return result(name, 2, {
        ProcessErrorMsg: invocation.error ?? 'failed',
        Result: task.kind === 'command' ? invocation.stderr : '',
      });
    case 'timed_out':
    case 'cancelled':
      return result(name, 2, {
        ProcessErrorMsg: invocation.state === 'cancelled' ? 'Canceled' : (invocation.error ?? 'timed out'),
        Result: task.kind === 'script' ? '' : invocation.stderr,
      });
    default:
      return result(name, 1, { CommunicationErrorMsg: `${invocation.state}: no result yet` });
  }
}

/** A scenario's prepare (a push into a nodeapp) or a change to a nodeapp (Octopoda's AppCreate, AppCommit…). */
function changesNodeApp(task: Task, options: TaskOptions): boolean {
  return task.kind === 'nodeapp' || (options.file?.kind === 'push' && Boolean(options.file.nodeapp));
}

/**
 * Octopoda's runAndWait: `Result` is the tentacle's Output, empty for these. A prepare that changed nothing was
 * answered `OK: No Change`, which Octopoda's brain counts as a process error (its clients print it so).
 */
function nodeAppSuccess(task: Task, invocation: Invocation): ExecutionResult {
  const outcome = nodeAppOutcomeSchema.safeParse(parseJson(invocation.output));
  const unchanged = task.kind === 'file_push' && outcome.success && !outcome.data.modified;
  return unchanged
    ? result(invocation.node, 2, { ProcessErrorMsg: 'OK: No Change' })
    : result(invocation.node, 0);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Results in completion order, as Octopoda lists them. */
export function executionResults(task: Task, invocations: Invocation[]): ExecutionResult[] {
  const at = (i: Invocation) => (i.endedAt ?? i.acceptedAt ?? i.updatedAt).getTime();
  return [...invocations].sort((a, b) => at(a) - at(b)).map((i) => toExecutionResult(task, i));
}
