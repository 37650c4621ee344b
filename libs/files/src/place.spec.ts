import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exists, tempDir } from './fixtures.helper-spec';
import { placeEntries, placeFile } from './place';

async function write(path: string, body: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, body);
}

describe('placeEntries', () => {
  it('merges into an existing tree: new names added, files replaced, siblings kept, directories merged', async () => {
    const work = await tempDir();
    const [staging, target] = [join(work, 'staging'), join(work, 'target')];
    await write(join(target, 'app/config.yaml'), 'old');
    await write(join(target, 'app/keep.txt'), 'kept');
    await write(join(target, 'app/lib/old.js'), 'old lib');
    await write(join(target, 'unrelated.txt'), 'untouched');
    await write(join(target, 'was-a-dir/inner.txt'), 'gone');
    await write(join(staging, 'app/config.yaml'), 'new');
    await write(join(staging, 'app/lib/new.js'), 'new lib');
    await write(join(staging, 'fresh/file.txt'), 'fresh');
    await write(join(staging, 'was-a-dir'), 'now a file');

    expect(await placeEntries(staging, target)).toEqual(['app', 'fresh', 'was-a-dir']);
    const read = (name: string) => readFile(join(target, name), 'utf8');
    expect(await read('app/config.yaml')).toBe('new');
    expect(await read('app/keep.txt')).toBe('kept');
    expect(await read('app/lib/old.js')).toBe('old lib');
    expect(await read('app/lib/new.js')).toBe('new lib');
    expect(await read('fresh/file.txt')).toBe('fresh');
    expect(await read('unrelated.txt')).toBe('untouched');
    expect(await read('was-a-dir')).toBe('now a file');
    expect(await readdir(staging)).toEqual([]);
  });

  it('replaces a symlinked directory instead of writing through it', async () => {
    const work = await tempDir();
    const [staging, target, elsewhere] = [
      join(work, 'staging'),
      join(work, 'target'),
      join(work, 'elsewhere'),
    ];
    await mkdir(elsewhere);
    await mkdir(target);
    await symlink(elsewhere, join(target, 'dir'));
    await write(join(staging, 'dir/file.txt'), 'inside');
    await placeEntries(staging, target);
    expect((await stat(join(target, 'dir'))).isDirectory()).toBe(true);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('refuses a target that is not a directory', async () => {
    const work = await tempDir();
    await write(join(work, 'file'), 'x');
    await mkdir(join(work, 'staging'));
    await expect(placeEntries(join(work, 'staging'), join(work, 'file'))).rejects.toThrow(/not a directory/);
  });
});

describe('placeFile', () => {
  it('renames the temp file into place, replacing an old one, and applies the mode', async () => {
    const work = await tempDir();
    await write(join(work, 'target/report.csv'), 'old');
    await writeFile(join(work, 'upload.part'), 'new');
    const placed = await placeFile(join(work, 'upload.part'), join(work, 'target'), 'report.csv', 0o640);
    expect(placed).toBe(join(work, 'target/report.csv'));
    expect(await readFile(placed, 'utf8')).toBe('new');
    expect((await stat(placed)).mode & 0o777).toBe(0o640);
    expect(await exists(join(work, 'upload.part'))).toBe(false);
  });

  it('refuses a temp file swapped for a symlink, leaving the mode of what it points at alone', async () => {
    const work = await tempDir();
    await write(join(work, 'secret'), 'not yours');
    await chmod(join(work, 'secret'), 0o600);
    await mkdir(join(work, 'target'));
    await symlink(join(work, 'secret'), join(work, 'upload.part'));
    await expect(placeFile(join(work, 'upload.part'), join(work, 'target'), 'x', 0o666)).rejects.toThrow(
      /ELOOP/,
    );
    expect((await stat(join(work, 'secret'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(work, 'target'))).toEqual([]);
  });

  it.each(['', '.', '..', 'a/b'])('refuses the name %j', async (name) => {
    const work = await tempDir();
    await writeFile(join(work, 'upload.part'), 'x');
    await expect(placeFile(join(work, 'upload.part'), work, name)).rejects.toThrow(/single path component/);
    expect(await exists(join(work, 'upload.part'))).toBe(true);
  });
});
