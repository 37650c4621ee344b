import { describe, expect, it } from 'vitest';
import type { Invocation, Task } from '../../generated/prisma/client';
import type { FilePushSpec, TaskOptions } from '../tasks/task-options';
import { toExecutionResult } from './execution-result';

const OPTIONS: TaskOptions = {
  background: false,
  delaySeconds: 0,
  align: false,
  timeoutSeconds: null,
  deliveryTimeoutSeconds: 10,
  maxConcurrency: null,
  maxErrors: null,
  env: {},
  loadedOnAccept: false,
};
const APP = { app: 'web', scenario: 'demo' };

const task = (kind: string, options: Partial<TaskOptions>): Task => ({
  id: 't-1',
  kind,
  command: 'x',
  scriptName: null,
  scriptContent: null,
  targets: ['pi1'],
  options: { ...OPTIONS, ...options } as never,
  state: 'done',
  createdBy: null,
  workgroup: '',
  v1Delivered: false,
  createdAt: new Date(0),
  doneAt: new Date(1),
});

const invocation = (over: Partial<Invocation>): Invocation => ({
  id: 'i-1',
  taskId: 't-1',
  node: 'pi1',
  state: 'success',
  exitCode: 0,
  pid: 4242,
  stdout: 'ran\n',
  stderr: 'warned\n',
  output: '',
  error: null,
  deliverBy: null,
  acceptedAt: new Date(1),
  startedAt: new Date(1),
  endedAt: new Date(2),
  createdAt: new Date(0),
  updatedAt: new Date(2),
  ...over,
});

const prepare = task('file_push', {
  file: {
    kind: 'push',
    blob: 'b'.repeat(64),
    size: 3,
    format: 'zip',
    name: 'web@demo.zip',
    path: '',
    force: true,
    mode: null,
    nodeapp: { ...APP, message: 'm' },
  },
});
const commit = task('nodeapp', { app: APP, nodeapp: { op: 'commit', message: 'm', always: true } });
const outcome = (modified: boolean) => JSON.stringify({ version: 'c0ffee', modified });

describe("Octopoda's ExecutionResult for scenario tasks", () => {
  it('answers a prepare or commit that made a version as Code 0 with an empty Result, as Octopoda did', () => {
    for (const t of [prepare, commit]) {
      expect(toExecutionResult(t, invocation({ output: outcome(true) }))).toEqual({
        Name: 'pi1',
        Code: 0,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: '',
        Result: '',
        ResultCompatible: '',
      });
    }
  });

  it('answers a prepare that changed nothing as a process error "OK: No Change"', () => {
    expect(toExecutionResult(prepare, invocation({ output: outcome(false) }))).toMatchObject({
      Code: 2,
      ProcessErrorMsg: 'OK: No Change',
      Result: '',
    });
  });

  it("answers a failed nodeapp change with the node's error, and an undelivered one as a communication error", () => {
    const failed = invocation({ state: 'failed', error: 'not a git repository' });
    expect(toExecutionResult(commit, failed)).toMatchObject({
      Code: 2,
      ProcessErrorMsg: 'not a git repository',
      Result: '',
    });
    const refused = invocation({ state: 'failed', acceptedAt: null, error: 'refused' });
    expect(toExecutionResult(prepare, refused)).toMatchObject({ Code: 1 });
  });

  it('answers a script run in a nodeapp like any script: its $OCTOPODA_OUTPUT', () => {
    const script = task('script', { app: APP });
    expect(toExecutionResult(script, invocation({ output: 'prepare\n' }))).toMatchObject({
      Code: 0,
      Result: 'prepare\n',
    });
  });

  it('still answers a plain push "OK" and a failed command with its stderr', () => {
    const { nodeapp: _, ...plain } = (prepare.options as unknown as TaskOptions).file as FilePushSpec;
    const push = task('file_push', { file: plain });
    expect(toExecutionResult(push, invocation({})).Result).toBe('OK');
    const failed = invocation({ state: 'failed', error: 'exit status 1' });
    expect(toExecutionResult(task('command', {}), failed)).toMatchObject({ Code: 2, Result: 'warned\n' });
  });
});
