import type { Invocation } from '@octopod/sdk';
import { describe, expect, it } from 'vitest';
import { toExecutionResult, toExecutionResults } from './execution-result';

const inv = (state: Invocation['state'], extra: Partial<Invocation> = {}): Invocation => ({
  id: `id-${state}`,
  node: 'pi-1',
  state,
  acceptedAt: '2024-06-18T12:00:00.000Z',
  startedAt: '2024-06-18T12:00:00.010Z',
  endedAt: '2024-06-18T12:00:01.000Z',
  exitCode: null,
  pid: 77,
  stdout: 'out\n',
  stderr: 'err\n',
  output: 'script result',
  error: null,
  ...extra,
});

describe('toExecutionResult', () => {
  it('gives success Code 0 with the Result each kind reports', () => {
    const success = inv('success', { exitCode: 0 });
    expect(toExecutionResult(success, 'command')).toEqual({
      Name: 'pi-1',
      Code: 0,
      CommunicationErrorMsg: '',
      ProcessErrorMsg: '',
      Result: 'out\n',
      ResultCompatible: '[OK]',
    });
    expect(toExecutionResult(success, 'script').Result).toBe('script result');
    expect(toExecutionResult(success, 'background').Result).toBe('77');
    expect(toExecutionResult({ ...success, pid: null, output: '91' }, 'background').Result).toBe('91');
    expect(toExecutionResult(success, 'xrun').Result).toBe('loaded');
  });

  it('gives failed, timed out and cancelled Code 2 with the error; Result is stderr for commands only', () => {
    const failed = inv('failed', { exitCode: 3, error: 'exit status 3' });
    expect(toExecutionResult(failed, 'command')).toEqual({
      Name: 'pi-1',
      Code: 2,
      CommunicationErrorMsg: '',
      ProcessErrorMsg: 'exit status 3',
      Result: 'err\n',
      ResultCompatible: '[ERR]',
    });
    expect(toExecutionResult(failed, 'script')).toMatchObject({ Code: 2, Result: '' });
    expect(toExecutionResult(inv('timed_out', { error: 'timed out after 5 s' }), 'command')).toMatchObject({
      Code: 2,
      ProcessErrorMsg: 'timed out after 5 s',
    });
    expect(toExecutionResult(inv('cancelled', { error: 'Canceled' }), 'command').ProcessErrorMsg).toBe(
      'Canceled',
    );
    expect(toExecutionResult(inv('timed_out'), 'command').ProcessErrorMsg).toBe('timed out');
  });

  it('gives delivery timeouts and refusals Code 1', () => {
    expect(
      toExecutionResult(inv('delivery_timed_out', { acceptedAt: null, error: null }), 'command'),
    ).toEqual({
      Name: 'pi-1',
      Code: 1,
      CommunicationErrorMsg: 'delivery timed out',
      ProcessErrorMsg: '',
      Result: '',
      ResultCompatible: '[ERR]',
    });
    const refused = inv('failed', {
      acceptedAt: null,
      startedAt: null,
      error: 'align_refused: offset unknown',
    });
    expect(toExecutionResult(refused, 'command')).toMatchObject({
      Code: 1,
      CommunicationErrorMsg: 'align_refused: offset unknown',
    });
  });

  it('reports an accepted, unfinished xrun as loaded and other unfinished ones as not finished', () => {
    expect(toExecutionResult(inv('running', { endedAt: null }), 'xrun')).toMatchObject({
      Code: 0,
      Result: 'loaded',
    });
    expect(toExecutionResult(inv('pending', { acceptedAt: null }), 'xrun')).toMatchObject({
      Code: 1,
      CommunicationErrorMsg: 'not finished (pending)',
    });
    expect(toExecutionResult(inv('running'), 'command').Code).toBe(1);
  });
});

describe('toExecutionResults', () => {
  it('lists in completion order and counts each code', () => {
    const results = toExecutionResults(
      [
        { ...inv('success'), node: 'b', endedAt: '2024-06-18T12:00:03.000Z' },
        { ...inv('failed'), node: 'a', endedAt: '2024-06-18T12:00:02.000Z' },
        { ...inv('delivery_timed_out'), node: 'c', endedAt: null, acceptedAt: null },
        { ...inv('success'), node: 'd', endedAt: '2024-06-18T12:00:02.000Z' },
      ],
      'command',
    );
    expect(results.Results.map((r) => [r.Name, r.Code])).toEqual([
      ['a', 2],
      ['d', 0],
      ['b', 0],
      ['c', 1],
    ]);
    expect([results.Total, results.Success, results.CommunicationError, results.ProcessError]).toEqual([
      4, 2, 1, 1,
    ]);
  });
});
