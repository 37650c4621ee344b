import type { TaskResult } from '@octopod/protocol';
import type { ProcessOutcome } from './managed-process';

/** Go's words for the signals a command usually dies of (Octopoda reports `signal: killed` and the like). */
const SIGNAL_WORDS: Partial<Record<NodeJS.Signals, string>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGQUIT: 'quit',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGPIPE: 'broken pipe',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction',
};

export const RESTARTED_ERROR = 'the tentacle restarted while this ran';
export const CANCELLED_ERROR = 'Canceled';
export const SHUTDOWN_ERROR = 'the tentacle stopped while this ran';
export const SHUTDOWN_BEFORE_START_ERROR = 'the tentacle stopped before this started';

export function timedOutError(timeoutMs: number): string {
  return `timed out after ${Math.round(timeoutMs) / 1000} s`;
}

/** The end state and error words of a foreground process. */
export function judgeOutcome(
  outcome: Pick<ProcessOutcome, 'exitCode' | 'signal' | 'spawnError' | 'stoppedBy' | 'startedAt'>,
  timeoutMs: number | null,
): Pick<TaskResult, 'state' | 'error'> {
  if (outcome.spawnError !== null) return { state: 'failed', error: outcome.spawnError };
  if (outcome.stoppedBy === 'cancel') return { state: 'cancelled', error: CANCELLED_ERROR };
  if (outcome.stoppedBy === 'shutdown') {
    return {
      state: 'failed',
      error: outcome.startedAt === null ? SHUTDOWN_BEFORE_START_ERROR : SHUTDOWN_ERROR,
    };
  }
  if (outcome.stoppedBy === 'timeout') return { state: 'timed_out', error: timedOutError(timeoutMs ?? 0) };
  if (outcome.exitCode === 0) return { state: 'success', error: null };
  if (outcome.exitCode !== null) return { state: 'failed', error: `exit status ${outcome.exitCode}` };
  const signal = outcome.signal ?? 'SIGKILL';
  return { state: 'failed', error: `signal: ${SIGNAL_WORDS[signal] ?? signal}` };
}

/** A result for an invocation that never produced a process outcome (refused late, cancelled while waiting...). */
export function resultWithoutProcess(
  invocationId: string,
  state: TaskResult['state'],
  error: string | null,
  endedAt: number,
): TaskResult {
  return {
    invocationId,
    state,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    output: '',
    pid: null,
    startedAt: null,
    endedAt,
    error,
  };
}
