import { describe, expect, it } from 'vitest';
import { OctlError, UsageError } from '../../errors';
import type { OutputSink, View } from '../../output/output';
import { taskFleet } from '../cmd/fake-tasks.helper-spec';
import { taskGet } from './get.command';
import { followLogs, taskLogs } from './logs.command';
import { taskLs } from './ls.command';
import { oneLine } from './task-text';

function sink(): OutputSink & { views: View[] } {
  const views: View[] = [];
  return { views, print: (view) => views.push(view) };
}

async function fleetWithHistory() {
  const brain = taskFleet();
  brain.script = (node) =>
    node === 'pi-2'
      ? { stdout: ['partial\n'], stderr: ['bad\n'], state: 'failed', exitCode: 3, error: 'exit status 3' }
      : { stdout: [`hi from ${node}\n`] };
  await brain.createTask({ targets: ['pi-1', 'pi-2'], command: 'make\ninstall' });
  brain.script = () => ({});
  await brain.createTask({
    targets: ['pi-1'],
    script: { name: 'a.sh', contentBase64: '' },
    timeoutSeconds: 5,
  });
  await brain.createTask({ targets: ['pi-2'], command: 'uptime' });
  return brain;
}

describe('task ls', () => {
  it('lists newest first with counts, and says how to page back', async () => {
    const brain = await fleetWithHistory();
    const out = sink();
    await taskLs(brain, { limit: '2' }, out);
    expect(brain.calls).toContain('listTasks {"limit":"2"}');
    const lines = out.views[0].table().split('\n');
    expect(lines[0]).toBe('ID      CREATED              STATE  NODES  OK  FAILED  COMMAND');
    expect(lines[1]).toMatch(/^task-3 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +done +1 +1 +0 +uptime$/);
    expect(lines[2]).toMatch(/ script a\.sh$/);
    expect(lines[3]).toBe(`older: octl task ls --before ${brain.task('task-2').createdAt}`);
    await taskLs(brain, { node: 'pi-2', state: 'done' }, out);
    expect((out.views[1].data as { items: { id: string }[] }).items.map((t) => t.id)).toEqual([
      'task-3',
      'task-1',
    ]);
  });

  it('refuses a bad --limit or --state', async () => {
    await expect(taskLs(taskFleet(), { limit: '0' }, sink())).rejects.toThrow(UsageError);
    await expect(taskLs(taskFleet(), { limit: '1.5' }, sink())).rejects.toThrow(
      '--limit must be a whole number',
    );
    await expect(taskLs(taskFleet(), { state: 'failed' }, sink())).rejects.toThrow(
      '--state must be one of running, done, cancelled, got "failed"',
    );
  });
});

describe('task get', () => {
  it('shows the task and a row per node; JSON is the TaskDetail', async () => {
    const brain = await fleetWithHistory();
    const out = sink();
    await taskGet(brain, 'task-1', out);
    expect(out.views[0].data).toEqual(brain.task('task-1'));
    const text = out.views[0].table();
    expect(text).toContain('Command:  make ⏎ install');
    expect(text).toContain('Nodes:    2: 1 success, 1 failed');
    const rows = text.split('\n').slice(-3);
    expect(rows[0]).toBe('NODE  STATE    EXIT  PID   STARTED              DURATION  ERROR');
    expect(rows[2]).toMatch(/^pi-2  failed   3     4242  \S+ \S+  5ms       exit status 3$/);
    await taskGet(brain, 'task-2', out);
    expect(out.views[1].table()).toContain('Options:  timeout 5s');
  });

  it("passes the brain's not-found error on", async () => {
    await expect(taskGet(taskFleet(), 'nope', sink())).rejects.toThrow('no task nope');
  });
});

describe('task logs', () => {
  it('prints stdout and stderr per node, or one node', async () => {
    const brain = await fleetWithHistory();
    const out = sink();
    await taskLogs(brain, 'task-1', {}, out);
    expect(out.views[0].table()).toBe(
      '==> pi-1 (success, exit 0) <==\n--- stdout ---\nhi from pi-1\n\n' +
        '==> pi-2 (failed, exit 3: exit status 3) <==\n--- stdout ---\npartial\n--- stderr ---\nbad\n',
    );
    await taskLogs(brain, 'task-1', { node: 'pi-2' }, out);
    expect(out.views[1].data).toEqual({
      taskId: 'task-1',
      logs: [
        {
          node: 'pi-2',
          state: 'failed',
          exitCode: 3,
          stdout: 'partial\n',
          stderr: 'bad\n',
          output: '',
          error: 'exit status 3',
        },
      ],
    });
    await expect(taskLogs(brain, 'task-1', { node: 'pi-9' }, out)).rejects.toThrow(
      new OctlError('task task-1 did not run on pi-9'),
    );
  });

  it('--follow replays the whole output prefixed by node', async () => {
    const brain = await fleetWithHistory();
    let stdout = '';
    let stderr = '';
    const terminal = {
      write: (t: string) => void (stdout += t),
      writeErr: (t: string) => void (stderr += t),
      isTTY: true,
    };
    await followLogs(brain, 'task-1', undefined, terminal, () => 0);
    expect(stdout).toBe('[pi-1] hi from pi-1\n[pi-2] partial\n');
    expect(stderr).toBe('[pi-2] bad\n');
    stdout = '';
    await followLogs(brain, 'task-1', 'pi-1', terminal, () => 0);
    expect(stdout).toBe('[pi-1] hi from pi-1\n');
  });
});

describe('oneLine', () => {
  it('flattens newlines and cuts long text', () => {
    expect(oneLine('a\n  b')).toBe('a ⏎ b');
    expect(oneLine('x'.repeat(60), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
