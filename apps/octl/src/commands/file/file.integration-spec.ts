// `octl file` against the in-memory brain, with real local files: packing, temporary files, placing downloads.
import { extractTar, packTar } from '@octopod/files';
import { makeTempDir } from '@octopod/testing';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileFleet, octlWith, type FakeFileBrain, type Run } from './fake-files.helper-spec';

let brain: FakeFileBrain;
let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  brain = fileFleet();
  tmp = makeTempDir('octopod-octl-file-');
});
afterEach(() => tmp.remove());

const octl = (argv: string[], options: { tty?: boolean; signals?: EventEmitter } = {}): Promise<Run> =>
  octlWith(brain, argv, { ...options, home: tmp.path });

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function tarOf(dir: string): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await packTar(dir, out);
  return Buffer.concat(chunks);
}

/** `results/a.txt`, `results/sub/b.txt` under `root`. */
function fixtureDir(root: string): string {
  const dir = join(root, 'results');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'a.txt'), 'alpha\n');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'beta\n');
  return dir;
}

const uploadTemps = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('octl-upload-'));

describe('octl file upload', () => {
  it('sends a file as it is, with its name and permission bits, to the store (".")', async () => {
    const content = randomBytes(100_000);
    const local = join(tmp.path, 'big.bin');
    writeFileSync(local, content);
    chmodSync(local, 0o640);
    const run = await octl(['file', 'upload', local, '.', 'pi-1', 'pi-2']);
    expect(run.stderr).toBe('[pi-1] OK\n[pi-2] OK\n');
    expect(run.code).toBe(0);
    expect(brain.pushes).toEqual([
      {
        blob: sha256(content),
        name: 'big.bin',
        format: 'file',
        path: '',
        force: true,
        mode: 0o640,
        targets: ['pi-1', 'pi-2'],
      },
    ]);
    expect(brain.blobs.get(sha256(content))?.equals(content)).toBe(true);
    expect(JSON.parse(run.stdout).map((r: { Name: string; Result: string }) => [r.Name, r.Result])).toEqual([
      ['pi-1', 'OK'],
      ['pi-2', 'OK'],
    ]);
  });

  it('sends a directory as a tar of <name>/..., with -f=false and a path variable', async () => {
    const before = uploadTemps();
    const dir = fixtureDir(tmp.path);
    const run = await octl(
      ['file', 'upload', '-f=false', dir, '@fstore/x', '@lab', 'pi-1', '--max-errors', '1'],
      {},
    );
    // @lab holds unhealthy nodes: nothing is sent.
    expect(run.stderr).toBe('octl: node parse error: unhealthy nodes: pi-3, pi-4\n');
    expect(brain.pushes).toEqual([]);

    const ok = await octl(['file', 'upload', '-f=false', dir, '@fstore/x', 'pi-1', '--max-errors', '1']);
    expect(ok.code).toBe(0);
    const [push] = brain.pushes;
    expect(push).toMatchObject({
      name: 'results',
      format: 'tar',
      path: '@fstore/x',
      force: false,
      mode: null,
    });
    expect(push.maxErrors).toBe(1);
    const out = join(tmp.path, 'unpacked');
    mkdirSync(out);
    await extractTar(Readable.from([brain.blobs.get(push.blob)!]), out);
    expect(readFileSync(join(out, 'results', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
    expect(brain.calls).toContain(`uploadBlob ${brain.blobs.get(push.blob)!.length}`);
    expect(uploadTemps()).toEqual(before); // the packed tar is gone
  });

  it("reports each node's failure in Octopoda's array and exits 1", async () => {
    writeFileSync(join(tmp.path, 'a.txt'), 'a');
    brain.script = (node) => (node === 'pi-2' ? { state: 'failed', error: 'target path not exist' } : {});
    const run = await octl([
      'file',
      'upload',
      '--force=false',
      join(tmp.path, 'a.txt'),
      'nope',
      'pi-1',
      'pi-2',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      '[pi-1] OK\n[pi-2] failed: target path not exist\noctl: 1 of 2 nodes failed: pi-2\n',
    );
    expect(JSON.parse(run.stdout)[1]).toMatchObject({
      Name: 'pi-2',
      Code: 2,
      ProcessErrorMsg: 'target path not exist',
    });
  });

  it('shows bars on a terminal, then the summary', async () => {
    writeFileSync(join(tmp.path, 'a.txt'), 'a');
    const run = await octl(['file', 'upload', join(tmp.path, 'a.txt'), '.', 'pi-1'], { tty: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    // The bars (too quick here to be drawn) are cleared before the summary.
    expect(run.stdout.endsWith('\u001b[0J1 nodes: 1 succeeded (task task-1)\n')).toBe(true);
  });

  it('cancels the task on Ctrl-C and exits 130', async () => {
    writeFileSync(join(tmp.path, 'a.txt'), 'a');
    brain.script = (node) => (node === 'pi-1' ? { hang: true } : {});
    const signals = new EventEmitter();
    const pending = octl(['file', 'upload', join(tmp.path, 'a.txt'), '.', 'pi-1', 'pi-2'], { signals });
    await once(brain.streams, 'open');
    signals.emit('SIGINT');
    const run = await pending;
    expect(run.code).toBe(130);
    expect(brain.calls).toContain('cancelTask task-1');
    expect(run.stderr).toContain('octl: interrupted, cancelling task task-1...\n');
    expect(run.stderr.endsWith('octl: interrupted: task task-1 cancelled\n')).toBe(true);
    expect(JSON.parse(run.stdout)[1]).toMatchObject({ Name: 'pi-1', Code: 2, ProcessErrorMsg: 'Canceled' });
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('octl file download', () => {
  it('puts a file at <localDir>/<name> with its mode, creating localDir', async () => {
    const content = randomBytes(50_000);
    brain.put('pi-1', '@log/app.log', { type: 'file', bytes: content, mode: 0o600 });
    const out = join(tmp.path, 'out', 'deep');
    const run = await octl(['file', 'download', '@log/app.log', out, 'pi-1'], { tty: true });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('[INFO] Success\n')).toBe(true);
    expect(readFileSync(join(out, 'app.log')).equals(content)).toBe(true);
    expect(statSync(join(out, 'app.log')).mode & 0o777).toBe(0o600);
    expect(readdirSync(out)).toEqual(['app.log']); // no temporary file left
  });

  it('unpacks a directory into <localDir>/<name>/..., merging with what is there', async () => {
    const tar = await tarOf(fixtureDir(join(tmp.path, 'remote')));
    brain.put('pi-2', '@fstore/results', { type: 'dir', bytes: tar });
    const out = join(tmp.path, 'here');
    mkdirSync(join(out, 'results'), { recursive: true });
    writeFileSync(join(out, 'results', 'a.txt'), 'old alpha\n');
    writeFileSync(join(out, 'results', 'keep.txt'), 'kept\n');
    const run = await octl(['file', 'download', '@fstore/results', out, 'pi-2', '-o', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      node: 'pi-2',
      remote: '@fstore/results',
      local: join(out, 'results'),
      type: 'dir',
      size: tar.length,
      sha256: sha256(tar),
    });
    expect(readFileSync(join(out, 'results', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(out, 'results', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
    expect(readFileSync(join(out, 'results', 'keep.txt'), 'utf8')).toBe('kept\n');
    expect(readdirSync(out)).toEqual(['results']);
  });

  it('refuses a tar holding anything but the pulled name at its top, placing nothing', async () => {
    const remote = join(tmp.path, 'remote');
    fixtureDir(remote);
    writeFileSync(join(remote, '.bashrc'), 'planted\n');
    // Two archives end to end, the first without its end-of-archive blocks: `results/…` and `.bashrc`.
    const results = (await tarOf(join(remote, 'results'))).subarray(0, -1024);
    const both = Buffer.concat([results, await tarOf(join(remote, '.bashrc'))]);
    brain.put('pi-2', '@fstore/results', { type: 'dir', bytes: both });
    const out = join(tmp.path, 'home');
    const run = await octl(['file', 'download', '@fstore/results', out, 'pi-2']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toBe(
      `octl: refusing the download: it should hold only "results" but holds ".bashrc", "results"; nothing was placed in ${out}\n`,
    );
    expect(readdirSync(out)).toEqual([]);

    brain.put('pi-2', '@fstore/other', { type: 'dir', bytes: await tarOf(join(remote, 'results')) });
    const renamed = await octl(['file', 'download', '@fstore/other', out, 'pi-2']);
    expect(renamed.stderr).toMatch(/should hold only "other" but holds "results"/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("streams the brain's own files without a task", async () => {
    const tar = await tarOf(fixtureDir(join(tmp.path, 'brainside')));
    brain.put('brain', '@log/results', { type: 'dir', bytes: tar });
    const run = await octl(['file', 'download', '@log/results', join(tmp.path, 'got'), 'brain']);
    expect(run.code).toBe(0);
    expect(readFileSync(join(tmp.path, 'got', 'results', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(brain.calls).toEqual(['nodeFileContent brain @log/results']);
  });
});
