import { describe, expect, it } from 'vitest';
import { advance, defaultRun, HASH_A, node, run, step } from './run-fixtures.helper-spec';
import { progressLines, recordedVersions, runText, stepLabel, summaryLines } from './run-view';
import type { ScenarioRun } from './scen-api';

/** What following prints for a sequence of snapshots. */
function follow(snapshots: readonly ScenarioRun[]): string[][] {
  return snapshots.map((after, i) => progressLines(i === 0 ? undefined : snapshots[i - 1], after));
}

describe('progressLines', () => {
  it('prints the run, each stage as it starts, and each node as it settles', () => {
    expect(follow(defaultRun())).toEqual([
      ['run run-1: helloWorld, target default (4 steps in 4 stages)'],
      ['stage 1/4: push helloPrinter', '  push     helloPrinter  tentacle-1  success'],
      [
        '  push     helloPrinter  tentacle-2  success',
        'stage 2/4: record',
        `  record   -             brain       success: ${HASH_A}`,
        'stage 3/4: prepare helloPrinter',
      ],
      [
        '  prepare  helloPrinter  tentacle-1  success',
        '  prepare  helloPrinter  tentacle-2  success',
        'stage 4/4: start helloPrinter',
        '  start    helloPrinter  tentacle-1  success',
        '  start    helloPrinter  tentacle-2  success',
      ],
    ]);
  });

  it('counts a single step and stage in the singular', () => {
    const planned = run([step(0, 0, 'script', { app: 'web', target: 'greet' })]);
    expect(progressLines(undefined, planned)[0]).toMatch(/\(1 step in 1 stage\)$/);
  });

  it("shows a failed node with its error, and the step's detail only when the nodes do not say it", () => {
    const lines = follow(defaultRun({ failing: true })).flat();
    expect(lines).toContain('  start    helloPrinter  tentacle-2  failed: exit status 3');
    expect(lines.filter((l) => l.includes('exit status 3'))).toHaveLength(1);

    const planned = run([step(0, 0, 'script', { app: 'web', target: 'start' })]);
    const failed = advance(planned, {
      0: {
        state: 'failed',
        detail: 'pi-1: cannot write /srv (read-only file system)',
        nodes: [node('pi-1', 'failed', { error: null, exitCode: 2 })],
      },
    });
    expect(progressLines(planned, failed)).toEqual([
      'stage 1/1: start web',
      '  start  web  pi-1   failed: exit code 2',
      '  start  web  -      failed: pi-1: cannot write /srv (read-only file system)',
    ]);
  });

  it('prints skipped steps (after --stop-on-error) and brain steps with their detail', () => {
    const planned = run([
      step(0, 0, 'script', { app: 'web', target: 'purge' }),
      step(1, 1, 'remove', { app: 'web' }),
      step(2, 2, 'forget'),
    ]);
    const ended = advance(
      planned,
      {
        0: { state: 'failed', detail: 'pi-1: boom', nodes: [node('pi-1', 'failed', { error: 'boom' })] },
        1: { state: 'skipped' },
        2: { state: 'skipped' },
      },
      { state: 'failed', error: 'stopped after a failed step (--stop-on-error)' },
    );
    expect(progressLines(planned, ended)).toEqual([
      'stage 1/3: purge web',
      '  purge   web  pi-1   failed: boom',
      'stage 2/3: remove web',
      '  remove  web  -      skipped',
      'stage 3/3: forget',
      '  forget  -    brain  skipped',
    ]);
    expect(summaryLines(ended)).toEqual(['run run-1: failed: stopped after a failed step (--stop-on-error)']);
  });

  it('prints nothing when nothing settled', () => {
    const [planned, pushing] = defaultRun();
    expect(progressLines(pushing, pushing)).toEqual([]);
    const stillRunning = advance(planned, {
      0: { state: 'running', nodes: [node('tentacle-1', 'running')] },
    });
    expect(progressLines(planned, stillRunning)).toEqual(['stage 1/4: push helloPrinter']);
  });
});

describe('summaryLines', () => {
  it('says success and the version recorded', () => {
    const ended = defaultRun().at(-1)!;
    expect(summaryLines(ended)).toEqual(['run run-1: success', `version ${HASH_A}`]);
  });

  it('says when nothing changed, and why a run failed', () => {
    const failed = advance(defaultRun({ failing: true }).at(-1)!, {
      1: { detail: 'nothing changed: no new version' },
    });
    expect(summaryLines(failed)).toEqual([
      'run run-1: failed: 1 step(s) failed',
      'nothing changed: no new version',
    ]);
    expect(recordedVersions(run([step(0, 0, 'record', { state: 'failed', detail: 'git broke' })]))).toEqual(
      [],
    );
  });
});

describe('runText and stepLabel', () => {
  it('renders a finished run as following it from the start would have', () => {
    const ended = defaultRun().at(-1)!;
    expect(runText(ended).split('\n')).toEqual([
      ...follow([ended]).flat(),
      'run run-1: success',
      `version ${HASH_A}`,
    ]);
    expect(runText(ended)).toContain('stage 4/4: start helloPrinter');
  });

  it('names script steps by their target', () => {
    expect(stepLabel(step(0, 0, 'script', { target: 'stop' }))).toBe('stop');
    expect(stepLabel(step(0, 0, 'commit', { app: 'web' }))).toBe('commit');
  });
});
