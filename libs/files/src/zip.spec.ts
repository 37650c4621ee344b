import { createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { makeTree, tempDir } from './fixtures.helper-spec';
import { listTree } from './tree';
import { extractZip, packZip } from './zip';

type ZipEntry = { name: string; body: string; mode?: number };

/** A zip built by yazl, with `from` replaced by `to` (same length) everywhere: yazl itself refuses bad names. */
async function writeZip(
  file: string,
  entries: ZipEntry[],
  rename?: { from: string; to: string },
): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const { name, body, mode } of entries) zip.addBuffer(Buffer.from(body), name, { mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (rename !== undefined) {
    for (let at = bytes.indexOf(rename.from); at !== -1; at = bytes.indexOf(rename.from, at + 1)) {
      bytes.write(rename.to, at);
    }
  }
  await writeFile(file, bytes);
}

describe('packZip and extractZip', () => {
  it('round-trips a tree under a prefix, storing an inside symlink as a copy and skipping an outside one', async () => {
    const work = await tempDir();
    const source = await makeTree(work);
    await writeFile(join(work, 'outside.txt'), 'not yours');
    await symlink('../../outside.txt', join(source, 'nested/link-out'));
    const file = join(work, 'tree.zip');
    const packed = await packZip(source, createWriteStream(file), { prefix: '123.wrap' });
    expect(packed).toMatchObject({ files: 7, directories: 5, symlinks: 0 });

    const dest = join(work, 'out');
    await mkdir(dest);
    expect(await extractZip(file, dest)).toEqual(packed);
    const got = join(dest, '123.wrap/tree');
    const names = (await listTree(got)).map((e) => e.name);
    expect(names).not.toContain('nested/link-out');
    const copy = await stat(join(got, 'nested/link-to-run'));
    expect([copy.isFile(), copy.mode & 0o777]).toEqual([true, 0o750]);
    expect(await readFile(join(got, 'nested/link-to-run'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect((await stat(join(got, 'nested/hello.txt'))).mtimeMs).toBe(1_700_000_000_000);

    // Apart from the symlinks, the trees are the same.
    const strip = async (root: string) =>
      (await listTree(root))
        .filter((e) => !e.name.startsWith('nested/link'))
        .map(({ name, type, mode, size }) => ({ name, type, mode, size }));
    expect(await strip(got)).toEqual(await strip(source));
  });

  it('zips a single file under the prefix', async () => {
    const work = await tempDir();
    await writeFile(join(work, 'one.txt'), 'one');
    await packZip(join(work, 'one.txt'), createWriteStream(join(work, 'one.zip')), { prefix: 'p/q/' });
    const dest = join(work, 'out');
    await mkdir(dest);
    expect(await extractZip(join(work, 'one.zip'), dest)).toMatchObject({ files: 1, bytes: 3 });
    expect(await readFile(join(dest, 'p/q/one.txt'), 'utf8')).toBe('one');
  });

  it('refuses a prefix that climbs out', async () => {
    const work = await tempDir();
    await expect(
      packZip(work, createWriteStream(join(work, 'x.zip')), { prefix: 'a/../..' }),
    ).rejects.toThrow(/'\.\.'/);
  });

  it.each([
    ['zip-slip', 'xx/evil', '../evil', 'traversal'],
    ['absolute', 'Xabs', '/abs', 'absolute'],
  ])('refuses a %s name', async (_label, built, doctored, code) => {
    const work = await tempDir();
    const dest = join(work, 'dest');
    await mkdir(dest);
    await writeZip(join(work, 'bad.zip'), [{ name: built, body: 'evil' }], { from: built, to: doctored });
    await expect(extractZip(join(work, 'bad.zip'), dest)).rejects.toMatchObject({ code });
    expect((await listTree(work)).map((e) => e.name)).toEqual(['bad.zip', 'dest']);
  });

  it('refuses a symlink entry that escapes, and keeps one that stays inside', async () => {
    const work = await tempDir();
    const [bad, good] = [join(work, 'bad'), join(work, 'good')];
    await Promise.all([mkdir(bad), mkdir(good)]);
    const link = (name: string, target: string) => ({ name, body: target, mode: 0o120777 });
    await writeZip(join(work, 'bad.zip'), [link('l', '../../etc')]);
    await expect(extractZip(join(work, 'bad.zip'), bad)).rejects.toMatchObject({ code: 'link_escape' });
    await writeZip(join(work, 'good.zip'), [{ name: 'd/f', body: 'f' }, link('l', 'd/f')]);
    expect(await extractZip(join(work, 'good.zip'), good)).toMatchObject({ files: 1, symlinks: 1 });
    expect(await readFile(join(good, 'l'), 'utf8')).toBe('f');
  });

  it('rejects with the output error when the output fails', async () => {
    const work = await tempDir();
    const source = await makeTree(work);
    const failing = new Writable({ write: (_chunk, _enc, done) => done(new Error('disk full')) });
    await expect(packZip(source, failing)).rejects.toThrow('disk full');
  });

  it('refuses a file that is not a zip as bad_archive', async () => {
    const work = await tempDir();
    await writeFile(join(work, 'junk.zip'), 'not a zip at all');
    await expect(extractZip(join(work, 'junk.zip'), work)).rejects.toMatchObject({ code: 'bad_archive' });
  });
});
