import { makeTempDir, makeTestPki } from '@octopod/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { EventEmitter, once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runOctl } from '../../cli';
import { API_TOKEN, serveBrain, type ServedBrain } from '../../https-brain.helper-spec';
import { NOW } from '../node/fake-brain.helper-spec';
import { taskFleet, type FakeTaskBrain } from './fake-tasks.helper-spec';

let tmp: ReturnType<typeof makeTempDir>;
let tls: { ca: Buffer; cert: Buffer; key: Buffer };
let ssl: { caCert: string; clientCert: string; clientKey: string };
const closers: (() => Promise<void>)[] = [];

beforeAll(() => {
  tmp = makeTempDir('octopod-octl-cmd-');
  const pki = makeTestPki(tmp.path);
  const brain = pki.server('brain');
  const client = pki.admin('admin', 'octl');
  tls = {
    ca: readFileSync(pki.caPath),
    cert: readFileSync(brain.certPath),
    key: readFileSync(brain.keyPath),
  };
  ssl = { caCert: pki.caPath, clientCert: client.certPath, clientKey: client.keyPath };
});
afterAll(() => tmp.remove());
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

interface Harness {
  fleet: FakeTaskBrain;
  served: ServedBrain;
  config: string;
}

async function start(options: { dropFirstStream?: boolean; bearer?: boolean } = {}): Promise<Harness> {
  const fleet = taskFleet();
  const served = await serveBrain(fleet, {
    tls,
    onClose: (close) => void closers.push(close),
    dropFirstStream: options.dropFirstStream,
  });
  const config = join(tmp.path, `octl-${served.port}.yaml`);
  const tokenFile = join(tmp.path, `token-${served.port}.json`);
  if (options.bearer) writeFileSync(tokenFile, JSON.stringify({ token: API_TOKEN }));
  const credentials = options.bearer ? { ssl: { caCert: ssl.caCert }, auth: { tokenFile } } : { ssl };
  writeFileSync(config, stringify({ brain: { ip: '127.0.0.1', port: served.port }, ...credentials }));
  return { fleet, served, config };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs octl in-process; `onStdout` sees the output as it grows (to act on a line when it appears). */
async function octl(
  argv: string[],
  options: { tty?: boolean; signals?: EventEmitter; onStdout?: (all: string) => void } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runOctl(argv, {
    stdout: {
      write: (t: string) => {
        stdout += t;
        options.onStdout?.(stdout);
      },
      isTTY: options.tty ?? false,
    },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: tmp.path,
    home: join(tmp.path, 'home'),
    now: () => NOW,
    signals: options.signals,
  });
  return { code, stdout, stderr };
}

describe('octl cmd over HTTPS with a server-sent event stream', () => {
  it('streams prefixed output on a terminal and prints Octopoda JSON otherwise', async () => {
    const { fleet, served, config } = await start();
    fleet.script = (node) =>
      node === 'pi-1'
        ? { stdout: ['multi\nline\n'] }
        : { stderr: ['boom\n'], state: 'failed', exitCode: 4, error: 'exit status 4' };
    const tty = await octl(['--config', config, 'cmd', 'run', '-c', 'do it', 'pi-1', 'pi-2'], { tty: true });
    expect(tty.code).toBe(1);
    expect(tty.stdout.split('\n')).toEqual([
      '[pi-1] multi',
      '[pi-1] line',
      'NODE  STATE   ERROR',
      'pi-2  failed  exit status 4',
      '2 nodes: 1 succeeded, 1 failed (task task-1)',
      '',
    ]);
    expect(tty.stderr).toBe('[pi-2] boom\noctl: 1 of 2 nodes failed: pi-2\n');
    expect(served.requests).toEqual([
      'POST /api/v2/nodes/resolve',
      'POST /api/v2/tasks',
      'GET /api/v2/tasks/task-1/events',
    ]);
    const piped = await octl(['-c', config, 'cmd', 'run', 'do it', 'pi-1']);
    expect(JSON.parse(piped.stdout)).toEqual({
      Results: [
        {
          Name: 'pi-1',
          Code: 0,
          CommunicationErrorMsg: '',
          ProcessErrorMsg: '',
          Result: 'multi\nline\n',
          ResultCompatible: '[OK]',
        },
      ],
      Total: 1,
      Success: 1,
      CommunicationError: 0,
      ProcessError: 0,
    });
  });

  it('refuses unknown and unhealthy targets before creating anything', async () => {
    const { served, config } = await start();
    const run = await octl(['-c', config, 'cmd', 'run', 'ls', 'ghost', 'pi-4']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'octl: node parse error: unknown nodes or groups: ghost; unhealthy nodes: pi-4\n',
    });
    expect(served.requests).toEqual(['POST /api/v2/nodes/resolve']);
  });

  it('uploads a -ss script by name and content, and shows its output', async () => {
    const { fleet, config } = await start({ bearer: true });
    fleet.script = () => ({ output: 'found 3\n' });
    const script = join(tmp.path, 'count.sh');
    writeFileSync(script, 'echo found 3 >> "$OCTOPODA_OUTPUT"\n');
    const run = await octl(['-c', config, 'cmd', 'run', '-ss', script, 'pi-1'], { tty: true });
    expect(run.stdout).toBe('[pi-1] found 3\n1 nodes: 1 succeeded (task task-1)\n');
    expect(fleet.created[0]).toEqual({
      targets: ['pi-1'],
      script: {
        name: 'count.sh',
        contentBase64: Buffer.from('echo found 3 >> "$OCTOPODA_OUTPUT"\n').toString('base64'),
      },
    });
  });

  it('reconnects once when the stream drops, without printing output twice', async () => {
    const { fleet, served, config } = await start({ dropFirstStream: true });
    fleet.script = () => ({ stdout: ['before\n'], hang: true });
    // The dropped stream never counts as open: the first 'open' is the reconnection, which replays 'before'.
    void once(fleet.streams, 'open').then(() => fleet.cancelTask('task-1'));
    const run = await octl(['-c', config, 'cmd', 'run', 'sleep 1', 'pi-1'], { tty: true });
    expect(run.stdout.match(/\[pi-1\] before/g)).toHaveLength(1);
    expect(served.requests.filter((r) => r.endsWith('/events'))).toHaveLength(2);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('pi-1  cancelled  Canceled');
  });

  it('cancels the task on Ctrl-C and exits 130', async () => {
    const { fleet, served, config } = await start();
    fleet.script = (node) => (node === 'pi-1' ? { stdout: ['working\n'], hang: true } : {});
    const signals = new EventEmitter();
    const run = await octl(['-c', config, 'cmd', 'run', 'sleep 100', 'pi-1', 'pi-2'], {
      tty: true,
      signals,
      onStdout: (all) => {
        if (all.endsWith('[pi-1] working\n')) signals.emit('SIGINT');
      },
    });
    expect(run.code).toBe(130);
    expect(served.requests).toContain('POST /api/v2/tasks/task-1/cancel');
    expect(run.stdout).toContain('pi-1  cancelled  Canceled');
    expect(run.stderr).toBe(
      'octl: interrupted, cancelling task task-1...\noctl: interrupted: task task-1 cancelled\n',
    );
    expect(fleet.task('task-1').state).toBe('cancelled');
  });

  it('xrun returns "loaded" once every node accepted, while the task still runs', async () => {
    const { fleet, config } = await start();
    const run = await octl(['-c', config, 'cmd', 'xrun', '-ta', '-d', '30', '-cc', 'reboot', 'pi-1', 'pi-2']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).Results.map((r: { Result: string }) => r.Result)).toEqual([
      'loaded',
      'loaded',
    ]);
    expect(fleet.created[0]).toEqual({
      targets: ['pi-1', 'pi-2'],
      command: 'reboot',
      align: true,
      delaySeconds: 30,
    });
    expect(fleet.task('task-1').state).toBe('running');
  });
});

describe('octl task over HTTPS', () => {
  it('lists, shows and prints the logs of past tasks', async () => {
    const { fleet, served, config } = await start();
    await octl(['-c', config, 'cmd', 'run', 'echo', 'pi-1', 'pi-2']);
    await octl(['-c', config, 'cmd', 'run', 'uptime', 'pi-2']);
    const ls = await octl(['-c', config, 'task', 'ls', '--limit', '1', '--node', 'pi-2']);
    expect(JSON.parse(ls.stdout)).toMatchObject({ items: [{ id: 'task-2', command: 'uptime' }] });
    expect(served.requests).toContain('GET /api/v2/tasks?limit=1&node=pi-2');
    const get = await octl(['-c', config, 'task', 'get', 'task-1', '-o', 'table']);
    expect(get.stdout).toContain('Nodes:    2: 2 success');
    const logs = await octl(['-c', config, 'task', 'logs', 'task-1', '--node', 'pi-2', '-o', 'table']);
    expect(logs.stdout).toBe('==> pi-2 (success, exit 0) <==\n--- stdout ---\nhi from pi-2\n');
    const follow = await octl(['-c', config, 'task', 'logs', '-f', 'task-1']);
    expect(follow.stdout).toBe('[pi-1] hi from pi-1\n[pi-2] hi from pi-2\n');
    const missing = await octl(['-c', config, 'task', 'get', 'nope']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'octl: no task nope\n' });
    expect(fleet.calls.filter((c) => c.startsWith('createTask'))).toHaveLength(2);
  });
});
