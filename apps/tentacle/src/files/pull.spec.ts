import { extractTar, extractZip } from '@octopod/files';
import type { FilePull, FileSource } from '@octopod/protocol';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileWorld, sha256 } from '../testing/file-world';
import { MemoryTransfers } from '../testing/memory-transfers';
import type { NodeFiles } from './node-files';
import { PullSources } from './pull-sources';

let world: ReturnType<typeof fileWorld>;
let files: NodeFiles;

beforeEach(() => {
  world = fileWorld('pull-');
  files = world.files();
});
afterEach(() => world.remove());

function pullOf(path: string, overrides: Partial<FilePull> = {}): FilePull {
  return {
    invocationId: 'pull-1',
    transferId: randomUUID(),
    path,
    format: 'auto',
    zipPrefix: null,
    ...overrides,
  };
}

async function offered(body: FilePull): Promise<FileSource> {
  const reply = await files.pull(body);
  if (reply.kind !== 'file.source') throw new Error(`pull refused: ${reply.body.message}`);
  return reply.body;
}

/** Receives an offered pull as the brain does, from what `dest` already holds; checks its sha256. */
async function download(offer: FileSource, dest: string, transfers = new MemoryTransfers()): Promise<void> {
  const receiver = await transfers.receive(offer, dest, (offset) =>
    files.read({ transferId: offer.transferId, offset }, transfers.tentacle),
  );
  await receiver.finish();
}

/** A directory as `octl file download` pulls it: `d/a.txt`, `d/sub/b.bin`. */
function directory(): { dir: string; b: Buffer } {
  const dir = join(world.dirs.fstore, 'd');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'a.txt'), 'alpha\n');
  const b = randomBytes(100 * 1024);
  writeFileSync(join(dir, 'sub', 'b.bin'), b);
  return { dir, b };
}

describe('file.pull', () => {
  it('offers a file as itself and sends it from where the brain already is', async () => {
    const data = randomBytes(200 * 1024 + 3);
    writeFileSync(join(world.dirs.fstore, 'f.bin'), data);
    await chmod(join(world.dirs.fstore, 'f.bin'), 0o640);
    const offer = await offered(pullOf('f.bin'));
    expect(offer).toEqual({
      transferId: offer.transferId,
      size: data.length,
      sha256: sha256(data),
      format: 'file',
      type: 'file',
      name: 'f.bin',
      mode: 0o640,
    });
    const dest = join(world.temp.path, 'got');
    writeFileSync(dest, data.subarray(0, 70 * 1024));
    await download(offer, dest);
    expect(sha256(readFileSync(dest))).toBe(sha256(data));
    await files.done({ transferId: offer.transferId });
    expect(existsSync(join(world.dirs.fstore, 'f.bin'))).toBe(true);
  });

  it('packs a directory as tar once per transfer id, and deletes the packed copy when done', async () => {
    const { dir, b } = directory();
    const body = pullOf('@fstore/d');
    const offer = await offered(body);
    expect(offer).toMatchObject({ format: 'tar', type: 'dir', name: 'd' });
    const packed = join(world.dirs.state, 'transfers', `${body.transferId}.tar`);
    expect(sha256(readFileSync(packed))).toBe(offer.sha256);
    writeFileSync(join(dir, 'late.txt'), 'added after the first pull');
    expect(await files.pull(body)).toEqual({ kind: 'file.source', body: offer });
    expect(world.log.find('pull packed')).toHaveLength(1);

    const dest = join(world.temp.path, 'got.tar');
    await download(offer, dest);
    const out = join(world.temp.path, 'out');
    mkdirSync(out);
    await extractTar(createReadStream(dest), out);
    expect(readdirSync(join(out, 'd')).sort()).toEqual(['a.txt', 'sub']);
    expect(sha256(readFileSync(join(out, 'd', 'sub', 'b.bin')))).toBe(sha256(b));
    await files.done({ transferId: body.transferId });
    expect(existsSync(packed)).toBe(false);
  });

  it('deletes the packed copy of a pull the brain gives up on', async () => {
    directory();
    const body = pullOf('d');
    await offered(body);
    const packed = join(world.dirs.state, 'transfers', `${body.transferId}.tar`);
    expect(existsSync(packed)).toBe(true);
    await files.abort({ transferId: body.transferId, reason: 'cancelled' }, new MemoryTransfers().tentacle);
    expect(existsSync(packed)).toBe(false);
  });

  it('zips a file or a directory under the prefix Octopoda asks for', async () => {
    directory();
    const offer = await offered(pullOf('d', { format: 'zip', zipPrefix: '42.wrap' }));
    expect(offer).toMatchObject({ format: 'zip', type: 'dir', name: 'd' });
    const dest = join(world.temp.path, 'got.zip');
    await download(offer, dest);
    const out = join(world.temp.path, 'out');
    mkdirSync(out);
    await extractZip(dest, out);
    expect(readFileSync(join(out, '42.wrap', 'd', 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  it('answers a missing path with not_found and a refused one with path_refused', async () => {
    expect(await files.pull(pullOf('nope'))).toEqual({
      kind: 'error',
      body: { code: 'not_found', message: 'file or path not found: nope' },
    });
    expect(await files.pull(pullOf('../x'))).toEqual({
      kind: 'error',
      body: { code: 'path_refused', message: 'path "../x" leaves @fstore' },
    });
  });

  it('answers a read of a pull it does not offer with file.abort', async () => {
    const transfers = new MemoryTransfers();
    const transferId = randomUUID();
    await files.read({ transferId, offset: 0 }, transfers.tentacle);
    expect(transfers.aborts()).toEqual([
      { transferId, reason: `no pull ${transferId} is offered here: pull it again` },
    ]);
  });

  it('deletes packed pulls older than an hour when it starts', async () => {
    const dir = join(world.dirs.state, 'transfers');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'old.tar'), 'old');
    writeFileSync(join(dir, 'new.tar'), 'new');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(dir, 'old.tar'), twoHoursAgo, twoHoursAgo);
    await world.files().swept;
    expect(readdirSync(dir)).toEqual(['new.tar']);
  });
});

describe('PullSources', () => {
  it('forgets a packed pull nobody used for an hour, but not one being sent', async () => {
    const { dir } = directory();
    const sources = new PullSources(world.dirs.state, world.log.logger);
    const idle = await sources.offer(pullOf('d'), dir, statSync(dir));
    const busy = await sources.offer(pullOf('d'), dir, statSync(dir));
    busy.readers = 1;
    await sources.sweep(Date.now() + 2 * 60 * 60 * 1000);
    expect(await sources.find(idle.body.transferId)).toBeUndefined();
    expect(existsSync(idle.file)).toBe(false);
    expect(await sources.find(busy.body.transferId)).toBe(busy);
    expect(existsSync(busy.file)).toBe(true);
  });
});

describe('file.tree', () => {
  it('lists a tree under its resolved path, dot-entries only on request', async () => {
    const dir = join(world.dirs.fstore, 't');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a'), 'a');
    writeFileSync(join(dir, '.hidden'), 'h');
    writeFileSync(join(dir, 'sub', 'b'), 'bb');
    const listed = await files.tree({ path: 't', hidden: false });
    expect(listed).toMatchObject({ kind: 'file.tree.result', body: { path: dir } });
    const names = (reply: typeof listed) => (reply.kind === 'file.tree.result' ? reply.body.entries : []);
    expect(names(listed).map((e) => [e.name, e.type, e.size])).toEqual([
      ['a', 'file', 1],
      ['sub', 'dir', 0],
      ['sub/b', 'file', 2],
    ]);
    expect(names(await files.tree({ path: '@fstore/t', hidden: true })).map((e) => e.name)).toContain(
      '.hidden',
    );
  });

  it('answers a missing path with not_found and a refused one with path_refused', async () => {
    expect(await files.tree({ path: 'nope', hidden: false })).toEqual({
      kind: 'error',
      body: { code: 'not_found', message: 'file or path not found: nope' },
    });
    expect(
      (await world.files({ allowAbsolute: false }).tree({ path: '/etc', hidden: false })).body,
    ).toMatchObject({ code: 'path_refused' });
  });
});
