import type {
  ClockEstimate,
  Envelope,
  ProtocolErrorBody,
  TaskAccepted,
  TaskAssign,
  TaskOutput,
  TaskResult,
  TaskStarted,
} from '@octopod/protocol';

/** Events the runner sends upstream without waiting for an answer. */
export interface TaskEvents {
  'task.started': TaskStarted;
  'task.output': TaskOutput;
}

/**
 * The runner's way to the brain through the current session (the session builds one per welcome). Sends throw
 * when the link is down; the runner then keeps what matters (results) for the next session.
 */
export interface TaskUplink {
  send<K extends keyof TaskEvents>(kind: K, body: TaskEvents[K]): void;
  /** Resolves with the brain's reply (`task.result.ack`); rejects on error reply, timeout or close. */
  request(kind: 'task.result', body: TaskResult, timeoutMs?: number): Promise<Envelope>;
  /** The session's clock estimate (brain − tentacle), null before the first heartbeat round trip. */
  estimate(): ClockEstimate | null;
  /** True while the socket has more queued than it should: live output is then dropped (results never are). */
  congested(): boolean;
}

export type AssignReply =
  { kind: 'task.accepted'; body: TaskAccepted } | { kind: 'error'; body: ProtocolErrorBody };

export interface CancelReply {
  kind: 'task.cancel.ok';
  body: { invocationId: string; found: boolean };
}

/** Stable codes of an `error` reply to `task.assign`. */
export type AssignErrorCode = 'align_refused' | 'bad_request' | 'journal_failed' | 'not_supported';

/** What the task handlers call: the tentacle's task runner, a simulated one, or none. */
export interface TaskService {
  assign(body: TaskAssign): Promise<AssignReply>;
  cancel(invocationId: string): CancelReply;
  /** The brain holds these results: drop them from the spool. */
  acknowledge(invocationIds: readonly string[]): void;
  /** A session was welcomed: send through it from now on, starting with every result not acknowledged yet. */
  attach(uplink: TaskUplink): void;
  detach(uplink: TaskUplink): void;
  /**
   * The end of an invocation that ran outside the runner (a file push): kept until acknowledged and sent, as
   * a task's result is, but not journalled: a push survives a restart and resumes, where the journal's recovery
   * would report it failed.
   */
  report(result: TaskResult): void;
  /** The result of this invocation still waiting for acknowledgement, if any. */
  spooledResult(invocationId: string): TaskResult | undefined;
}

export function assignError(code: AssignErrorCode, message: string): AssignReply {
  return { kind: 'error', body: { code, message } };
}

/** For links without a runner (tests of the link alone): refuses every task. */
export const noTasks: TaskService = {
  assign: async () => assignError('not_supported', 'this tentacle does not run tasks'),
  cancel: (invocationId) => ({ kind: 'task.cancel.ok', body: { invocationId, found: false } }),
  acknowledge: () => undefined,
  attach: () => undefined,
  detach: () => undefined,
  report: () => undefined,
  spooledResult: () => undefined,
};
