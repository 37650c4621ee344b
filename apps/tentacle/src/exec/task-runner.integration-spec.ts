import { waitFor } from '@octopod/testing';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeUplink } from '../testing/fake-uplink';
import { alive, assignment, runnerWorld, scriptAssignment } from '../testing/task-fixtures';
import { TAIL_MAX_BYTES } from './output';
import type { TaskRunner } from './task-runner';

let world: ReturnType<typeof runnerWorld>;
let runner: TaskRunner;
let uplink: FakeUplink;

beforeEach(() => {
  world = runnerWorld();
  runner = world.open();
  uplink = new FakeUplink();
  runner.attach(uplink);
});

afterEach(async () => {
  await world.cleanup();
});

describe('commands', () => {
  it('reports exit status, stdout and stderr of a failing command, streamed before the result', async () => {
    const task = assignment({ command: 'echo out; echo err >&2; exit 3' });
    expect(await runner.assign(task)).toEqual({
      kind: 'task.accepted',
      body: { invocationId: task.invocationId, duplicate: false },
    });
    const result = await uplink.result(task.invocationId);
    expect(result).toMatchObject({
      state: 'failed',
      exitCode: 3,
      signal: null,
      stdout: 'out\n',
      stderr: 'err\n',
      output: '',
      error: 'exit status 3',
    });
    const started = uplink.started.find((s) => s.invocationId === task.invocationId);
    expect(started?.pid).toBe(result.pid);
    expect(result.startedAt).toBe(started?.startedAt);
    expect(result.endedAt).toBeGreaterThanOrEqual(result.startedAt as number);
    expect(uplink.stream(task.invocationId, 'stdout')).toBe('out\n');
    expect(uplink.stream(task.invocationId, 'stderr')).toBe('err\n');
    expect(runner.spooled).toEqual([]);
  });

  it('runs in the workspace root with bash and succeeds with exit 0', async () => {
    const task = assignment({ command: 'pwd; echo "$BASH_VERSION" | cut -c1' });
    const result = await (runner.assign(task), uplink.result(task.invocationId));
    expect(result.state).toBe('success');
    expect(result.error).toBeNull();
    const [cwd, bash] = result.stdout.trim().split('\n');
    expect(cwd).toBe(world.dirs.workspace);
    expect(bash).toMatch(/\d/);
  });

  it("sets Octopoda's variables, the configured env and the task env over the tentacle's", async () => {
    const task = assignment({
      command: "env | grep -E '^(OCTOPODA_|CONFIGURED|INHERITED|FROM_TASK)' | sort",
      env: { FROM_TASK: 'yes', CONFIGURED: 'task-wins' },
    });
    await runner.assign(task);
    const env = Object.fromEntries(
      (await uplink.result(task.invocationId)).stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    const ws = `${world.dirs.workspace}/`;
    expect(env).toEqual({
      CONFIGURED: 'task-wins',
      FROM_TASK: 'yes',
      INHERITED: 'from-tentacle',
      OCTOPODA_CURRENTDIR: ws,
      OCTOPODA_FILENAME: 'NONE',
      OCTOPODA_FSTORE: `${world.dirs.store}/`,
      OCTOPODA_LOG: `${world.dirs.log}/`,
      OCTOPODA_NODENAME: 'pi-1',
      OCTOPODA_OUTPUT: 'NONE',
      OCTOPODA_PAKMA: '/opt/pakma/',
      OCTOPODA_ROOT: '/root/',
      OCTOPODA_WORKSPACE: ws,
    });
  });

  it('streams large output in contiguous chunks and keeps the last 64 KiB, multi-byte characters intact', async () => {
    // 50,000 three-byte characters: 150,000 bytes.
    const task = assignment({ command: `node -e "process.stdout.write('€'.repeat(50000))"` });
    await runner.assign(task);
    const result = await uplink.result(task.invocationId);
    const streamed = uplink.stream(task.invocationId, 'stdout');
    expect(streamed).toBe('€'.repeat(50000));
    expect(uplink.outputs.filter((o) => o.invocationId === task.invocationId).length).toBeGreaterThan(1);
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(TAIL_MAX_BYTES);
    expect(result.stdout).toBe('€'.repeat(Math.floor(TAIL_MAX_BYTES / 3)));
  });

  it('drops live output while the link is congested, but the result keeps the tails', async () => {
    uplink.jammed = true;
    const task = assignment({ command: 'echo a; echo b >&2' });
    await runner.assign(task);
    expect(await uplink.result(task.invocationId)).toMatchObject({ stdout: 'a\n', stderr: 'b\n' });
    expect(uplink.outputs).toEqual([]);
    expect(uplink.started).toHaveLength(1);
  });

  it('reports a shell that cannot be started as a failure', async () => {
    const broken = world.open({
      shell: join(world.dirs.root, 'no-such-shell'),
      stateDir: join(world.dirs.root, 's2'),
    });
    const up = new FakeUplink();
    broken.attach(up);
    const task = assignment({ command: 'true' });
    await broken.assign(task);
    const result = await up.result(task.invocationId);
    expect(result).toMatchObject({ state: 'failed', pid: null, startedAt: null });
    expect(result.error).toMatch(/ENOENT/);
  });

  it('refuses a script task without a script', async () => {
    const reply = await runner.assign(assignment({ kind: 'script', command: 'x.sh' }));
    expect(reply).toEqual({ kind: 'error', body: { code: 'bad_request', message: expect.any(String) } });
  });
});

describe('scripts', () => {
  it("returns what the script appended to $OCTOPODA_OUTPUT, runs from the scripts dir's variables, then removes both files", async () => {
    const body = [
      'echo "to stdout"',
      'echo "name=$OCTOPODA_FILENAME" >> "$OCTOPODA_OUTPUT"',
      'echo "dir=$OCTOPODA_CURRENTDIR" >> "$OCTOPODA_OUTPUT"',
      'echo "self=$0" >> "$OCTOPODA_OUTPUT"',
      'echo "cwd=$(pwd)" >> "$OCTOPODA_OUTPUT"',
    ].join('\n');
    const task = scriptAssignment('../../evil/report.sh', body);
    await runner.assign(task);
    const result = await uplink.result(task.invocationId);
    const scripts = join(world.dirs.workspace, 'scripts');
    const fileName = `${task.invocationId}-____evil_report.sh`;
    expect(result.state).toBe('success');
    expect(result.stdout).toBe('to stdout\n');
    expect(result.output).toBe(
      [
        'name=____evil_report.sh',
        `dir=${scripts}/`,
        `self=${join(scripts, fileName)}`,
        `cwd=${world.dirs.workspace}`,
        '',
      ].join('\n'),
    );
    expect(readdirSync(scripts)).toEqual([]);
    expect(existsSync(join(world.dirs.root, 'evil'))).toBe(false);
  });

  it('reports a failing script by its exit status, still with its output', async () => {
    const task = scriptAssignment('fail.sh', 'echo partial >> "$OCTOPODA_OUTPUT"\nexit 2\n');
    await runner.assign(task);
    expect(await uplink.result(task.invocationId)).toMatchObject({
      state: 'failed',
      exitCode: 2,
      error: 'exit status 2',
      output: 'partial\n',
    });
  });
});

describe('background, delay, timeout, cancel', () => {
  it('starts a background command and reports its pid at once, leaving it running', async () => {
    const task = assignment({ command: 'sleep 20', background: true });
    const before = Date.now();
    await runner.assign(task);
    const result = await uplink.result(task.invocationId);
    expect(Date.now() - before).toBeLessThan(2000);
    expect(result).toMatchObject({ state: 'success', output: String(result.pid), error: null });
    expect(uplink.started.find((s) => s.invocationId === task.invocationId)?.pid).toBe(result.pid);
    expect(alive(result.pid as number)).toBe(true);
    process.kill(-(result.pid as number), 'SIGKILL');
  });

  it('accepts a delayed command at once and starts it after the delay', async () => {
    const task = assignment({ command: 'echo late', delayMs: 400 });
    const acceptedAt = Date.now();
    expect((await runner.assign(task)).kind).toBe('task.accepted');
    expect(Date.now() - acceptedAt).toBeLessThan(200);
    expect(uplink.started).toEqual([]);
    const started = await uplink.startedOf(task.invocationId);
    expect(started.startedAt - acceptedAt).toBeGreaterThanOrEqual(400);
    expect((await uplink.result(task.invocationId)).stdout).toBe('late\n');
  });

  it('kills the process group when the timeout passes', async () => {
    const task = assignment({ command: 'sleep 30 & echo $! > sleeper.pid; wait', timeoutMs: 300 });
    const before = Date.now();
    await runner.assign(task);
    const result = await uplink.result(task.invocationId);
    expect(result).toMatchObject({ state: 'timed_out', error: 'timed out after 0.3 s', signal: 'SIGTERM' });
    expect(Date.now() - before).toBeLessThan(3000);
    const sleeper = Number(readFileSync(join(world.dirs.workspace, 'sleeper.pid'), 'utf8'));
    await waitFor(() => !alive(sleeper), { what: 'the timed-out child to die' });
  });

  it('cancel kills a running sleep and its children', async () => {
    const task = assignment({ command: 'sleep 30 & echo $! > child.pid; wait' });
    await runner.assign(task);
    await uplink.startedOf(task.invocationId);
    const pidFile = join(world.dirs.workspace, 'child.pid');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), { what: 'child pid' });
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(alive(child)).toBe(true);
    expect(runner.cancel(task.invocationId)).toEqual({
      kind: 'task.cancel.ok',
      body: { invocationId: task.invocationId, found: true },
    });
    const result = await uplink.result(task.invocationId);
    expect(result).toMatchObject({ state: 'cancelled', error: 'Canceled' });
    await waitFor(() => !alive(child), { what: 'the cancelled child to die' });
    expect(runner.cancel(task.invocationId).body.found).toBe(false);
  });

  it('SIGKILLs what ignores SIGTERM after the grace', async () => {
    const task = assignment({ command: "trap '' TERM; sleep 30 & echo $! > stubborn.pid; wait; wait" });
    await runner.assign(task);
    const pidFile = join(world.dirs.workspace, 'stubborn.pid');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim(), { what: 'child pid' });
    const child = Number(readFileSync(pidFile, 'utf8'));
    const cancelledAt = Date.now();
    runner.cancel(task.invocationId);
    expect((await uplink.result(task.invocationId)).state).toBe('cancelled');
    await waitFor(() => !alive(child), { what: 'the stubborn child to die' });
    // The grace in this world is 500 ms.
    expect(Date.now() - cancelledAt).toBeGreaterThanOrEqual(450);
  });

  it('cancels a delayed command before it starts: it never runs', async () => {
    const task = assignment({ command: 'touch ran', delayMs: 300 });
    await runner.assign(task);
    expect(runner.cancel(task.invocationId).body.found).toBe(true);
    expect(await uplink.result(task.invocationId)).toMatchObject({
      state: 'cancelled',
      error: 'Canceled',
      startedAt: null,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(join(world.dirs.workspace, 'ran'))).toBe(false);
    expect(runner.cancel('never-assigned').body.found).toBe(false);
  });
});
