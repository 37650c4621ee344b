import { spawnProcess, waitFor } from '@octopod/testing';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startStack, type OctlResult, type Stack } from '../support/stack';

/** Octopoda's per-node result as octl prints it with `-o json` (apps/octl/src/commands/cmd/execution-result.ts). */
interface ExecutionResult {
  Name: string;
  Code: 0 | 1 | 2;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
}
interface ExecutionResults {
  Results: ExecutionResult[];
  Total: number;
  Success: number;
  CommunicationError: number;
  ProcessError: number;
}
interface Invocation {
  node: string;
  state: string;
  stdout: string;
}
interface TaskDetail {
  id: string;
  command: string;
  state: string;
  doneAt: string | null;
  invocations: Invocation[];
}

const NODES = ['n1', 'n2', 'n3'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** The task id octl names in its table summary: `2 nodes: 2 succeeded (task <id>)`. */
function summaryTaskId(stdout: string): string {
  const id = new RegExp(`\\(task (${UUID.source})\\)`).exec(stdout)?.[1];
  if (!id) throw new Error(`no task id in octl's summary:\n${stdout}`);
  return id;
}

function parseResults(result: OctlResult): ExecutionResults {
  try {
    return JSON.parse(result.stdout) as ExecutionResults;
  } catch {
    throw new Error(`octl did not print JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Like stack.octl: no OCTL_* variables from the developer's shell. */
function withoutOctlEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('OCTL_'))
      .map((k) => [k, undefined]),
  );
}

const byName = (results: ExecutionResults, name: string) =>
  results.Results.find((r) => r.Name === name) as ExecutionResult;

/** `octl cmd …` and `octl task …` as a user types them, over a real brain, name server and three tentacles. */
describe('octl cmd run / xrun and octl task over real processes', () => {
  let stack: Stack;
  const octl = (...args: string[]) => stack.octl(args);
  /** Table output, as on a terminal (octl defaults to JSON when stdout is a pipe). */
  const octlTable = (...args: string[]) => stack.octl(['-o', 'table', ...args]);
  const taskIds = async () =>
    (await stack.api<{ items: Array<{ id: string }> }>('/api/v2/tasks?limit=200')).body.items.map(
      (t) => t.id,
    );
  /** octl as a child process of our own, to signal it: the same built octl and octl.yaml as `stack.octl`. */
  const spawnOctl = (...args: string[]) =>
    spawnProcess(
      'node',
      [join(REPO_ROOT, 'apps/octl/dist/main.js'), '--config', join(stack.dir, 'octl.yaml'), ...args],
      { cwd: stack.dir, env: withoutOctlEnv() },
    );
  const detail = async (id: string) => (await stack.api<TaskDetail>(`/api/v2/tasks/${id}`)).body;
  const finished = (id: string) =>
    waitFor(
      async () => {
        const d = await detail(id);
        return d.doneAt ? d : undefined;
      },
      { what: `task ${id} done` },
    );

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
    for (const name of NODES)
      await stack.waitForNode(name, (n) => n.state === 'online' && n.offsetMs !== null);
  });
  afterAll(() => stack?.stop());

  it('run prints each node output prefixed by node, then a summary, exit 0', async () => {
    const run = await octlTable('cmd', 'run', '-c', 'echo hi', 'n1', 'n2');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('[n1] hi');
    expect(lines).toContain('[n2] hi');
    expect(run.stdout).toMatch(new RegExp(`2 nodes: 2 succeeded \\(task ${UUID.source}\\)`));
  });

  it('a command failing on one node makes octl exit non-zero, the summary naming that node', async () => {
    const run = await octlTable(
      'cmd',
      'run',
      '-c',
      '[ "$OCTOPODA_NODENAME" = n2 ] && exit 3 || echo ok',
      'n1',
      'n2',
      'n3',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[n1] ok');
    expect(run.stdout).toContain('[n3] ok');
    expect(run.stdout).not.toContain('[n2] ok');
    // The failure table: NODE STATE ERROR, one row for n2.
    expect(run.stdout).toMatch(/^n2\s+failed\s+exit status 3\s*$/m);
    expect(run.stdout).toMatch(/3 nodes: 2 succeeded, 1 failed \(task /);
    expect(run.stderr).toContain('octl: 1 of 3 nodes failed: n2');
  });

  it("-o json prints Octopoda's {Results, Total, Success, CommunicationError, ProcessError}", async () => {
    const run = await octl(
      'cmd',
      'run',
      '-c',
      '[ "$OCTOPODA_NODENAME" = n2 ] && { echo bad >&2; exit 3; } || echo "ok $OCTOPODA_NODENAME"',
      'n1',
      'n2',
      'n3',
      '-o',
      'json',
    );
    expect(run.code).toBe(1);
    const results = parseResults(run);
    expect(Object.keys(results)).toEqual([
      'Results',
      'Total',
      'Success',
      'CommunicationError',
      'ProcessError',
    ]);
    expect(results).toMatchObject({ Total: 3, Success: 2, CommunicationError: 0, ProcessError: 1 });
    expect(results.Results.map((r) => r.Name).sort()).toEqual(NODES);
    for (const r of results.Results) {
      expect(Object.keys(r).sort()).toEqual(
        ['Code', 'CommunicationErrorMsg', 'Name', 'ProcessErrorMsg', 'Result', 'ResultCompatible'].sort(),
      );
    }
    expect(byName(results, 'n1')).toEqual({
      Name: 'n1',
      Code: 0,
      CommunicationErrorMsg: '',
      ProcessErrorMsg: '',
      Result: 'ok n1\n',
      ResultCompatible: '[OK]',
    });
    expect(byName(results, 'n2')).toEqual({
      Name: 'n2',
      Code: 2,
      CommunicationErrorMsg: '',
      ProcessErrorMsg: 'exit status 3',
      Result: 'bad\n',
      ResultCompatible: '[ERR]',
    });
  });

  it('-ss runs a local script; the result is what it appends to $OCTOPODA_OUTPUT', async () => {
    const script = join(stack.dir, 'probe.sh');
    writeFileSync(
      script,
      'echo "not the result"\necho "script $OCTOPODA_FILENAME on $OCTOPODA_NODENAME" >> "$OCTOPODA_OUTPUT"\n',
    );
    const run = await octl('cmd', 'run', '-ss', script, 'n1', 'n2', '-o', 'json');
    expect(run.code, run.stderr).toBe(0);
    const results = parseResults(run);
    expect(results).toMatchObject({ Total: 2, Success: 2 });
    expect(byName(results, 'n1').Result).toBe('script probe.sh on n1\n');
    expect(byName(results, 'n2').Result).toBe('script probe.sh on n2\n');
  });

  it('-bg returns at once with the PID of the still-running process', async () => {
    const started = Date.now();
    const run = await octl('cmd', 'run', '-bg', 'sleep 5', 'n1', '-o', 'json');
    const took = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    const pid = byName(parseResults(run), 'n1').Result;
    expect(pid).toMatch(/^\d+$/);
    // The tentacles run on this machine: the process octl named is alive, octl did not wait for it.
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')).toContain('sleep 5');
    expect(took).toBeLessThan(5_000);
  });

  it('-ta runs time-aligned on every target', async () => {
    const run = await octlTable('cmd', 'run', '-ta', '-c', 'date +%s%3N', ...NODES);
    expect(run.code, run.stderr).toBe(0);
    for (const node of NODES) expect(run.stdout).toMatch(new RegExp(`^\\[${node}\\] \\d{13}$`, 'm'));
    expect(run.stdout).toContain('3 nodes: 3 succeeded');
    const get = await octlTable('task', 'get', summaryTaskId(run.stdout));
    expect(get.stdout).toMatch(/^Options:\s+time-aligned$/m);
  });

  it('xrun -d 1 answers "loaded" at once; the command runs about a second later', async () => {
    const called = Date.now();
    const run = await octlTable('cmd', 'xrun', '-d', '1', '-c', 'date +%s%3N', 'n1');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('[n1] loaded');
    expect(run.stdout).toContain('1 nodes: 1 loaded');
    const d = await finished(summaryTaskId(run.stdout));
    const ranAt = Number(d.invocations[0]?.stdout.trim());
    expect(ranAt - called).toBeGreaterThanOrEqual(900);
  });

  it('ALL, @ and @all name every node of the root group', async () => {
    for (const all of ['ALL', '@', '@all']) {
      const run = await octl('cmd', 'run', '-c', 'echo "$OCTOPODA_NODENAME"', all, '-o', 'json');
      expect(run.code, `${all}: ${run.stderr}`).toBe(0);
      const results = parseResults(run);
      expect(results.Results.map((r) => r.Result).sort(), all).toEqual(NODES.map((n) => `${n}\n`));
    }
  });

  it('an unknown node or @group is refused before anything runs, naming it; no task is created', async () => {
    const before = await taskIds();
    const ghost = await octl('cmd', 'run', '-c', 'echo hi', 'n1', 'ghost');
    expect(ghost.code).not.toBe(0);
    expect(ghost.stderr).toMatch(/node parse error: unknown nodes or groups: ghost/);
    expect(ghost.stdout).toBe('');
    const group = await octl('cmd', 'run', '-c', 'echo hi', '@nogroup');
    expect(group.code).not.toBe(0);
    expect(group.stderr).toContain('@nogroup');
    expect(await taskIds()).toEqual(before);
  });

  it('Ctrl-C cancels the task on the node: octl exits, the task ends cancelled, the command never finishes', async () => {
    const marker = join(stack.tentacles.get('n1')?.workspace as string, 'ctrl-c-marker');
    const command = `sleep 30; touch ${marker}`;
    const octlProcess = spawnOctl('cmd', 'run', '-c', command, 'n1', '-o', 'json');
    try {
      const id = await waitFor(
        async () => {
          const list = await stack.api<{ items: Array<{ id: string; command: string }> }>('/api/v2/tasks');
          const task = list.body.items.find((t) => t.command === command);
          if (!task) return undefined;
          return (await detail(task.id)).invocations[0]?.state === 'running' ? task.id : undefined;
        },
        { what: 'the Ctrl-C task running on n1' },
      );
      octlProcess.child.kill('SIGINT');
      expect(await octlProcess.exited).toBe(130);
      expect(octlProcess.output()).toContain(`interrupted: task ${id} cancelled`);
      expect(octlProcess.output()).toContain('"ProcessErrorMsg": "Canceled"');
      const d = await finished(id);
      expect(d.state).toBe('cancelled');
      expect(d.invocations[0]?.state).toBe('cancelled');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await octlProcess.kill();
    }
  });

  it('task ls lists the tasks just run; task get shows the invocations; task logs prints the output', async () => {
    const run = await octlTable('cmd', 'run', '-c', 'echo "logged by $OCTOPODA_NODENAME"', 'n1', 'n2');
    expect(run.code, run.stderr).toBe(0);
    const id = summaryTaskId(run.stdout);
    const failing = summaryTaskId(
      (await octlTable('cmd', 'run', '-c', '[ "$OCTOPODA_NODENAME" = n2 ] && exit 3 || echo ok', 'n1', 'n2'))
        .stdout,
    );

    const ls = await octlTable('task', 'ls', '--limit', '5');
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`^${id}\\s.*\\bdone\\s+2\\s+2\\s+0\\s+echo`, 'm'));
    expect(ls.stdout).toMatch(new RegExp(`^${failing}\\s.*\\bdone\\s+2\\s+1\\s+1\\s`, 'm'));

    const get = await octlTable('task', 'get', failing);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toContain(failing);
    expect(get.stdout).toMatch(/^n1\s+success\s+0\s/m);
    expect(get.stdout).toMatch(/^n2\s+failed\s+3\s.*exit status 3/m);

    const logs = await octlTable('task', 'logs', id);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('==> n1 (success, exit 0) <==\n--- stdout ---\nlogged by n1\n');
    expect(logs.stdout).toContain('==> n2 (success, exit 0) <==\n--- stdout ---\nlogged by n2\n');
    const one = await octl('task', 'logs', id, '--node', 'n2', '-o', 'json');
    expect(JSON.parse(one.stdout)).toMatchObject({
      taskId: id,
      logs: [{ node: 'n2', state: 'success', exitCode: 0, stdout: 'logged by n2\n' }],
    });
  });

  it('a stopped (disconnected) node among the targets is refused before anything runs, naming it', async () => {
    await stack.tentacles.get('n3')?.stop();
    await stack.waitForNode('n3', (n) => !n.connected);
    const before = await taskIds();
    const run = await octl('cmd', 'run', '-c', 'echo hi', 'n1', 'n3');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/node parse error: unhealthy nodes: n3/);
    expect(await taskIds()).toEqual(before);
  });
});
