import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../cli';
import { UsageError } from '../../errors';
import { fileFleet, octlWith, type FakeFileBrain, type Run } from './fake-files.helper-spec';
import { planDownload, planUpload } from './file-options';
import { goMonthDayTime } from './ls-view';
import { pushView } from './push-results';

let brain: FakeFileBrain;
beforeEach(() => {
  brain = fileFleet();
});

const octl = (argv: string[], options: { tty?: boolean } = {}): Promise<Run> =>
  octlWith(brain, argv, options);

describe('octl file upload: flags', () => {
  it("rewrites Octopoda's -f=<bool> (Go's spellings) to --force/--no-force, only after file upload", () => {
    expect(normalizeArgv(['file', 'upload', '-f=false', 'a', '.', 'pi-1'])).toEqual([
      'file',
      'upload',
      '--no-force',
      'a',
      '.',
      'pi-1',
    ]);
    expect(normalizeArgv(['-c', 'o.yaml', 'file', 'upload', '--force=0', 'a', '.', 'pi-1'])[4]).toBe(
      '--no-force',
    );
    expect(normalizeArgv(['file', 'upload', '-f=T', '-f', 'a', '.', 'pi-1']).slice(2, 4)).toEqual([
      '--force',
      '-f',
    ]);
    // Values of options, and everything after --, are left alone.
    expect(normalizeArgv(['file', 'upload', '-o', '-f=false', 'a'])).toEqual([
      'file',
      'upload',
      '-o',
      '-f=false',
      'a',
    ]);
    expect(normalizeArgv(['file', 'download', '-f=false'])).toEqual(['file', 'download', '-f=false']);
    expect(() => normalizeArgv(['file', 'upload', '-f=maybe', 'a'])).toThrow(
      new UsageError('-f wants true or false, got "maybe"'),
    );
  });

  it('forces by default (Octopoda), takes "." as the store and passes path variables through', () => {
    expect(planUpload('a.bin', '.', ['pi-1'], {})).toEqual({
      local: 'a.bin',
      path: '',
      targets: ['pi-1'],
      force: true,
      limits: {},
    });
    const plan = planUpload('dir', '@fstore/x', ['@lab'], {
      force: false,
      deliveryTimeout: '30',
      maxConcurrency: '2',
      maxErrors: '0',
    });
    expect(plan).toMatchObject({
      path: '@fstore/x',
      force: false,
      limits: { deliveryTimeoutSeconds: 30, maxConcurrency: 2, maxErrors: 0 },
    });
    expect(() => planUpload('a', '.', ['pi-1'], { maxConcurrency: '0' })).toThrow(
      '--max-concurrency must be a whole number of at least 1, got "0"',
    );
  });

  it('reports usage errors without contacting the brain', async () => {
    const missing = await octl(['file', 'upload', 'a.bin', '.']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("octl: missing required argument 'targets' (see --help)\n");
    const bad = await octl(['file', 'upload', '-f=maybe', 'a.bin', '.', 'pi-1']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'octl: -f wants true or false, got "maybe"\n' });
    expect(brain.calls).toEqual([]);
  });

  it('refuses unknown and unhealthy targets before anything is read or sent', async () => {
    const run = await octl(['file', 'upload', '/nonexistent/a.bin', '.', 'pi-1', 'ghost', '@lab']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'octl: node parse error: unknown nodes or groups: ghost; unhealthy nodes: pi-3, pi-4\n',
    });
    expect(brain.calls).toEqual(['resolveNodes pi-1 ghost @lab']);
  });

  it('says which local file it cannot read, and sends nothing', async () => {
    const run = await octl(['file', 'upload', '/nonexistent/a.bin', '.', 'pi-1']);
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'octl: cannot read /nonexistent/a.bin (ENOENT)\n' });
    expect(brain.calls).toEqual(['resolveNodes pi-1']);
  });
});

describe('octl file upload: results', () => {
  async function pushed(): Promise<ReturnType<typeof pushView>> {
    const bytes = Buffer.from('payload');
    const blob = createHash('sha256').update(bytes).digest('hex');
    brain.blobs.set(blob, bytes);
    brain.nodes.push({ ...brain.nodes.find((n) => n.name === 'pi-1')!, name: 'pi-9' });
    brain.script = (node) =>
      node === 'pi-2'
        ? { state: 'failed', error: 'target path not exist' }
        : node === 'pi-9'
          ? { state: 'delivery_timed_out' }
          : {};
    const task = await brain.pushFile({
      blob,
      name: 'a.bin',
      format: 'file',
      path: '',
      targets: ['pi-1', 'pi-2', 'pi-9'],
    });
    return pushView(brain.task(task.id));
  }

  it("gives Octopoda's array: OK, the node's reason (Code 2), not delivered (Code 1)", async () => {
    const { view, failure } = await pushed();
    expect(view.data).toEqual([
      {
        Name: 'pi-1',
        Code: 0,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: '',
        Result: 'OK',
        ResultCompatible: '[OK]',
      },
      {
        Name: 'pi-2',
        Code: 2,
        CommunicationErrorMsg: '',
        ProcessErrorMsg: 'target path not exist',
        Result: '',
        ResultCompatible: '[ERR]',
      },
      {
        Name: 'pi-9',
        Code: 1,
        CommunicationErrorMsg: 'delivery timed out',
        ProcessErrorMsg: '',
        Result: '',
        ResultCompatible: '[ERR]',
      },
    ]);
    expect(failure).toBe('2 of 3 nodes failed: pi-2, pi-9');
  });

  it('sums up on a terminal, naming the failed nodes', async () => {
    const { view } = await pushed();
    expect(view.table().split('\n')).toEqual([
      'NODE  STATE               ERROR',
      'pi-2  failed              target path not exist',
      'pi-9  delivery_timed_out  delivery timed out',
      '3 nodes: 1 succeeded, 2 failed (task task-1)',
    ]);
  });
});

describe('octl file download: arguments', () => {
  it("refuses a group, as Octopoda does ('command pull not support node group')", async () => {
    for (const node of ['@lab', 'ALL', '@']) {
      const run = await octl(['file', 'download', 'x', 'out', node]);
      expect(run).toEqual({ code: 2, stdout: '', stderr: 'octl: command pull not support node group\n' });
    }
    expect(() => planDownload('x', 'out', '@all')).toThrow(UsageError);
    expect(planDownload('@log/a', '.', 'brain')).toEqual({ remote: '@log/a', localDir: '.', node: 'brain' });
    expect(brain.calls).toEqual([]);
  });

  it('takes exactly three arguments', async () => {
    const two = await octl(['file', 'download', 'x', 'pi-1']);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe("octl: missing required argument 'node' (see --help)\n");
    const four = await octl(['file', 'download', 'x', 'out', 'pi-1', 'pi-2']);
    expect(four.code).toBe(2);
    expect(four.stderr).toMatch(/^octl: too many arguments for 'download'/);
    expect(brain.calls).toEqual([]);
  });

  it('says the file is empty or not found, and creates nothing locally', async () => {
    const node = await octl(['file', 'download', '@fstore/nope', '/nonexistent/out', 'pi-1']);
    expect(node).toEqual({
      code: 1,
      stdout: '',
      stderr: 'octl: file is empty or not found: file or path not found: @fstore/nope\n',
    });
    expect(brain.pulls).toEqual([{ node: 'pi-1', path: '@fstore/nope' }]);
    const fromBrain = await octl(['file', 'download', '@log/nope', '/nonexistent/out', 'brain']);
    expect(fromBrain.stderr).toBe('octl: file is empty or not found: file or path not found: @log/nope\n');
    expect(fromBrain.code).toBe(1);
  });

  it('refuses an unhealthy node before asking it for anything', async () => {
    const run = await octl(['file', 'download', 'x', '/nonexistent/out', 'pi-4']);
    expect(run.stderr).toBe('octl: node parse error: unhealthy nodes: pi-4\n');
    expect(brain.pulls).toEqual([]);
  });
});

describe('octl file ls', () => {
  const mtime = new Date(2024, 5, 18, 20, 0, 59).getTime();
  beforeEach(() => {
    brain.trees.set('pi-1:.', {
      node: 'pi-1',
      path: '/var/lib/octopod/store',
      entries: [
        { name: 'conf', type: 'dir', size: 0, mode: 0o755, mtimeMs: mtime },
        { name: 'conf/app.yaml', type: 'file', size: 1536, mode: 0o644, mtimeMs: mtime },
      ],
    });
  });

  it("prints Octopoda's [{Name, Size, ModifyTime}] with -o json", async () => {
    const run = await octl(['file', 'ls', '.', 'pi-1']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { Name: 'conf', Size: 0, ModifyTime: '06月18日 20:00' },
      { Name: 'conf/app.yaml', Size: 1536, ModifyTime: '06月18日 20:00' },
    ]);
    expect(brain.calls).toEqual(['listNodeFiles pi-1 . hidden=false']);
  });

  it('shows a table on a terminal', async () => {
    const run = await octl(['file', 'ls', '.', 'pi-1'], { tty: true });
    expect(run.stdout).toBe(
      [
        'NAME           TYPE  SIZE     MODIFIED',
        'conf/          dir   -        2024-06-18 20:00:59',
        'conf/app.yaml  file  1.5 KiB  2024-06-18 20:00:59',
        '',
      ].join('\n'),
    );
  });

  it("reports the brain's reason for a missing directory", async () => {
    const run = await octl(['file', 'ls', 'nope', 'brain']);
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'octl: file or path not found: nope\n' });
  });

  it("formats times like Go's 01月02日 15:04, in local time", () => {
    expect(goMonthDayTime(new Date(2024, 0, 2, 3, 4, 5))).toBe('01月02日 03:04');
    expect(goMonthDayTime(new Date(2023, 11, 31, 23, 59))).toBe('12月31日 23:59');
  });
});
