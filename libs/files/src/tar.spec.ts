import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expectSameTree, makeTree, tempDir } from './fixtures.helper-spec';
import { extractTar, packTar } from './tar';

describe('packTar and extractTar', () => {
  it('round-trips a tree: bytes, modes, empty file and dir, symlinks, mtimes', async () => {
    const work = await tempDir();
    const source = await makeTree(work);
    const archive = join(work, 'tree.tar');
    const packed = await packTar(source, createWriteStream(archive));
    expect(packed).toEqual({
      files: 6,
      directories: 5,
      symlinks: 1,
      bytes: 5 * 1024 * 1024 + 6 + 4 + 18 + 7,
    });

    const dest = join(work, 'out');
    await mkdir(dest);
    const extracted = await extractTar(createReadStream(archive), dest);
    expect(extracted).toEqual(packed);
    await expectSameTree(source, join(dest, 'tree'));
    expect((await stat(join(dest, 'tree/nested/hello.txt'))).mtimeMs).toBe(1_700_000_000_000);
  });

  it('packs only the contents of a directory with contentsOnly (an empty one to an empty archive)', async () => {
    const work = await tempDir();
    const source = await makeTree(work);
    const archive = join(work, 'contents.tar');
    const packed = await packTar(source, createWriteStream(archive), { contentsOnly: true });
    expect(packed.directories).toBe(4); // the tree's own directory is left out
    const dest = join(work, 'out');
    await mkdir(dest);
    await extractTar(createReadStream(archive), dest);
    await expectSameTree(source, dest);

    const empty = join(work, 'empty');
    await mkdir(empty);
    expect(await packTar(empty, createWriteStream(join(work, 'e.tar')), { contentsOnly: true })).toEqual({
      files: 0,
      directories: 0,
      symlinks: 0,
      bytes: 0,
    });
  });

  it('packs unchanged content to identical bytes', async () => {
    const work = await tempDir();
    const source = await makeTree(work);
    await packTar(source, createWriteStream(join(work, 'a.tar')));
    await packTar(source, createWriteStream(join(work, 'b.tar')));
    expect((await readFile(join(work, 'a.tar'))).equals(await readFile(join(work, 'b.tar')))).toBe(true);
  });

  it('packs a single file under its basename', async () => {
    const work = await tempDir();
    const source = join(await makeTree(work), 'run.sh');
    await packTar(source, createWriteStream(join(work, 'one.tar')));
    const dest = join(work, 'out');
    await mkdir(dest);
    expect(await extractTar(createReadStream(join(work, 'one.tar')), dest)).toMatchObject({ files: 1 });
    expect((await stat(join(dest, 'run.sh'))).mode & 0o777).toBe(0o750);
  });

  it('rejects with the output error when the output fails', async () => {
    const work = await tempDir();
    const source = await makeTree(work);
    const failing = new Writable({ write: (_chunk, _enc, done) => done(new Error('disk full')) });
    await expect(packTar(source, failing)).rejects.toThrow('disk full');
  });

  it('rejects a source that does not exist', async () => {
    const work = await tempDir();
    await expect(packTar(join(work, 'missing'), createWriteStream(join(work, 'x.tar')))).rejects.toThrow(
      /ENOENT/,
    );
  });
});
