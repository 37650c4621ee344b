import { describe, expect, it } from 'vitest';
import { judgeOutcome, resultWithoutProcess, timedOutError } from './result';

const outcome = {
  exitCode: 0 as number | null,
  signal: null as NodeJS.Signals | null,
  spawnError: null as string | null,
  stoppedBy: null as 'timeout' | 'cancel' | 'shutdown' | null,
  startedAt: 1 as number | null,
};

describe('judgeOutcome', () => {
  it('maps exit codes as Octopoda words them', () => {
    expect(judgeOutcome(outcome, null)).toEqual({ state: 'success', error: null });
    expect(judgeOutcome({ ...outcome, exitCode: 3 }, null)).toEqual({
      state: 'failed',
      error: 'exit status 3',
    });
  });

  it('names the signal a process died of, in Go words', () => {
    const killed = { ...outcome, exitCode: null, signal: 'SIGKILL' as const };
    expect(judgeOutcome(killed, null)).toEqual({ state: 'failed', error: 'signal: killed' });
    expect(judgeOutcome({ ...killed, signal: 'SIGUSR1' }, null).error).toBe('signal: SIGUSR1');
  });

  it('puts who stopped it before how it died', () => {
    const stopped = { ...outcome, exitCode: null, signal: 'SIGTERM' as const };
    expect(judgeOutcome({ ...stopped, stoppedBy: 'cancel' }, null)).toEqual({
      state: 'cancelled',
      error: 'Canceled',
    });
    expect(judgeOutcome({ ...stopped, stoppedBy: 'timeout' }, 1500)).toEqual({
      state: 'timed_out',
      error: 'timed out after 1.5 s',
    });
    expect(judgeOutcome({ ...stopped, stoppedBy: 'shutdown' }, null).error).toBe(
      'the tentacle stopped while this ran',
    );
    expect(judgeOutcome({ ...stopped, stoppedBy: 'shutdown', startedAt: null }, null).error).toBe(
      'the tentacle stopped before this started',
    );
  });

  it('reports a failed spawn as a failure with its reason', () => {
    expect(judgeOutcome({ ...outcome, exitCode: null, spawnError: 'spawn /x ENOENT' }, null)).toEqual({
      state: 'failed',
      error: 'spawn /x ENOENT',
    });
  });
});

describe('result helpers', () => {
  it('words timeouts in seconds', () => {
    expect(timedOutError(5000)).toBe('timed out after 5 s');
  });

  it('builds a result with no process', () => {
    expect(resultWithoutProcess('i', 'cancelled', 'Canceled', 7)).toEqual({
      invocationId: 'i',
      state: 'cancelled',
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      output: '',
      pid: null,
      startedAt: null,
      endedAt: 7,
      error: 'Canceled',
    });
  });
});
