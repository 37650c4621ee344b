import { EventEmitter, once } from 'node:events';
import { beforeEach, describe, expect, it } from 'vitest';
import { runOctl } from '../../cli';
import { NOW } from '../node/fake-brain.helper-spec';
import { FakeTaskBrain, taskFleet } from './fake-tasks.helper-spec';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let brain: FakeTaskBrain;
beforeEach(() => {
  brain = taskFleet();
});

async function octl(argv: string[], options: { tty?: boolean; signals?: EventEmitter } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runOctl(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: options.tty ?? false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: '/nonexistent',
    home: '/nonexistent',
    now: () => NOW,
    signals: options.signals,
    connect: async () => brain,
  });
  return { code, stdout, stderr };
}

describe('octl cmd run: flags', () => {
  it('runs -c as the command (Octopoda documents it but never implemented it)', async () => {
    const run = await octl(['cmd', 'run', '-c', 'uname -a', 'pi-1', 'pi-2']);
    expect(run.code).toBe(0);
    expect(brain.created).toEqual([{ targets: ['pi-1', 'pi-2'], command: 'uname -a' }]);
  });

  it('takes a bare first argument as the command, and -cc and -ta', async () => {
    await octl(['cmd', 'run', 'echo hi', 'pi-1']);
    await octl(['cmd', 'run', '-ta', '-cc=date', 'pi-2']);
    expect(brain.created).toEqual([
      { targets: ['pi-1'], command: 'echo hi' },
      { targets: ['pi-2'], command: 'date', align: true },
    ]);
  });

  it('sends -bg as background and prints the PID as the Result', async () => {
    const run = await octl(['cmd', 'run', '-bg', 'sleep 100', 'pi-1']);
    expect(brain.created[0]).toEqual({ targets: ['pi-1'], command: 'sleep 100', background: true });
    expect(JSON.parse(run.stdout).Results[0]).toMatchObject({ Name: 'pi-1', Code: 0, Result: '4242' });
  });

  it('reads -ss locally and fails readably when the script is missing', async () => {
    const run = await octl(['cmd', 'run', '-ss', '/nonexistent/collect.sh', 'pi-1']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'octl: cannot read script /nonexistent/collect.sh (ENOENT)\n',
    });
    expect(brain.created).toEqual([]);
  });

  it('gives xrun its -d delay and --env/--timeout to run', async () => {
    await octl(['cmd', 'xrun', '-d', '7', '-c', 'reboot', 'pi-1']);
    await octl(['cmd', 'run', '--timeout', '5', '--env', 'A=1', '--env', 'B=2', 'env', 'pi-1']);
    expect(brain.created).toEqual([
      { targets: ['pi-1'], command: 'reboot', delaySeconds: 7 },
      { targets: ['pi-1'], command: 'env', timeoutSeconds: 5, env: { A: '1', B: '2' } },
    ]);
  });

  it('treats a bad flag combination as a usage error without contacting the brain', async () => {
    const run = await octl(['cmd', 'run', '-c', 'a', '-ss', 'b.sh', 'pi-1']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'octl: give only one of -c/--common-command, -ss/--shellscript\n',
    });
    expect((await octl(['cmd', 'run', 'uptime'])).stderr).toContain('no target nodes');
    expect(brain.calls).toEqual([]);
  });
});

describe('octl cmd run: targets', () => {
  it('refuses unknown and unhealthy targets before anything runs, naming them', async () => {
    const run = await octl(['cmd', 'run', 'ls', 'pi-1', 'ghost', '@lab']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'octl: node parse error: unknown nodes or groups: ghost; unhealthy nodes: pi-3, pi-4\n',
    });
    expect(brain.created).toEqual([]);
  });
});

describe('octl cmd run: output', () => {
  it('streams each line prefixed by its node on a terminal, then a summary', async () => {
    brain.script = (node) =>
      node === 'pi-1' ? { stdout: ['hel', 'lo\nwor', 'ld\n'] } : { stdout: ['two\n'], stderr: ['warn\n'] };
    const run = await octl(['cmd', 'run', 'greet', 'pi-1', 'pi-2'], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('[pi-1] hello\n[pi-1] world\n[pi-2] two\n2 nodes: 2 succeeded (task task-1)\n');
    expect(run.stderr).toBe('[pi-2] warn\n');
  });

  it("prints Octopoda's result object with -o json and exits 1 naming the failed nodes", async () => {
    brain.script = (node) =>
      node === 'pi-2'
        ? { stderr: ['no such file\n'], state: 'failed', exitCode: 2, error: 'exit status 2' }
        : {};
    const run = await octl(['cmd', 'run', 'cat x', 'pi-1', 'pi-2', '-o', 'json'], { tty: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('octl: 1 of 2 nodes failed: pi-2\n');
    expect(JSON.parse(run.stdout)).toEqual({
      Results: [
        {
          Name: 'pi-1',
          Code: 0,
          CommunicationErrorMsg: '',
          ProcessErrorMsg: '',
          Result: '',
          ResultCompatible: '[OK]',
        },
        {
          Name: 'pi-2',
          Code: 2,
          CommunicationErrorMsg: '',
          ProcessErrorMsg: 'exit status 2',
          Result: 'no such file\n',
          ResultCompatible: '[ERR]',
        },
      ],
      Total: 2,
      Success: 1,
      CommunicationError: 0,
      ProcessError: 1,
    });
  });

  it('lists failures in the terminal summary', async () => {
    brain.script = (node) => (node === 'pi-2' ? { state: 'timed_out', error: 'timed out after 5 s' } : {});
    const run = await octl(['cmd', 'run', 'sleep 9', 'pi-1', 'pi-2'], { tty: true });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n').slice(-4)).toEqual([
      'NODE  STATE      ERROR',
      'pi-2  timed_out  timed out after 5 s',
      '2 nodes: 1 succeeded, 1 failed (task task-1)',
      '',
    ]);
  });

  it('shows a background PID after the run', async () => {
    expect((await octl(['cmd', 'run', '-bg', 'srv', 'pi-1'], { tty: true })).stdout).toContain(
      '[pi-1] pid 4242\n',
    );
  });

  it('draws a progress line for fan-outs above 20 nodes, and clears it', async () => {
    brain = taskFleet(25);
    brain.script = () => ({});
    const run = await octl(['cmd', 'run', 'true', '@many'], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('25/25 done');
    expect(run.stdout.endsWith('\r\u001b[K25 nodes: 25 succeeded (task task-1)\n')).toBe(true);
    const small = await octl(['cmd', 'run', 'true', 'pi-1'], { tty: true });
    expect(small.stdout).not.toContain('done');
  });

  it('falls back to polling when the brain has no event stream', async () => {
    brain.streamMissing = true;
    const run = await octl(['cmd', 'run', 'echo', 'pi-1'], { tty: true });
    expect(run).toEqual({
      code: 0,
      stdout: '[pi-1] hi from pi-1\n1 nodes: 1 succeeded (task task-1)\n',
      stderr: '',
    });
    expect(brain.calls).toContain('getTask task-1');
  });
});

describe('octl cmd run: Ctrl-C', () => {
  it('cancels the task on the nodes, prints what is known and exits 130', async () => {
    brain.script = (node) => (node === 'pi-1' ? { stdout: ['started\n'], hang: true } : {});
    const signals = new EventEmitter();
    const pending = octl(['cmd', 'run', 'sleep 100', 'pi-1', 'pi-2', '-o', 'json'], { signals });
    await once(brain.streams, 'open');
    signals.emit('SIGINT');
    const run = await pending;
    expect(run.code).toBe(130);
    expect(brain.calls).toContain('cancelTask task-1');
    expect(run.stderr).toBe(
      'octl: interrupted, cancelling task task-1...\noctl: interrupted: task task-1 cancelled\n',
    );
    const results = JSON.parse(run.stdout);
    expect(results.Results.find((r: { Name: string }) => r.Name === 'pi-1')).toMatchObject({
      Code: 2,
      ProcessErrorMsg: 'Canceled',
    });
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('octl cmd xrun', () => {
  it('returns once every node has accepted, printing loaded per node', async () => {
    const run = await octl(['cmd', 'xrun', '-d', '60', 'reboot', 'pi-1', 'pi-2'], { tty: true });
    expect(run).toEqual({
      code: 0,
      stdout: '[pi-1] loaded\n[pi-2] loaded\n2 nodes: 2 loaded (task task-1)\n',
      stderr: '',
    });
    expect(brain.task('task-1').state).toBe('running');
    const json = await octl(['cmd', 'xrun', '-d', '60', 'reboot', 'pi-1', '-o', 'json']);
    expect(JSON.parse(json.stdout).Results).toEqual([
      {
        Name: 'pi-1',
        Code: 0,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: '',
        Result: 'loaded',
        ResultCompatible: '[OK]',
      },
    ]);
  });

  it('reports a node that refused (e.g. an aligned start out of range) as a communication error', async () => {
    brain.script = (node) => (node === 'pi-2' ? { refuse: true, error: 'align_refused: wait 4000 ms' } : {});
    const run = await octl(['cmd', 'xrun', '-ta', '-d', '5', 'x', 'pi-1', 'pi-2', '-o', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ Success: 1, CommunicationError: 1 });
  });
});
