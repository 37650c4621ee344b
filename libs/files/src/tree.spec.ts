import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './fixtures.helper-spec';
import { listTree } from './tree';

async function sample(): Promise<string> {
  const dir = await tempDir();
  await mkdir(join(dir, 'b/c'), { recursive: true });
  await mkdir(join(dir, '.git/objects'), { recursive: true });
  await writeFile(join(dir, '.git/objects/x'), 'x');
  await writeFile(join(dir, '.env'), 'SECRET=1');
  await writeFile(join(dir, 'a.txt'), 'hello');
  await writeFile(join(dir, 'b/c/d.bin'), Buffer.alloc(1234));
  await writeFile(join(dir, 'b/.hidden'), '');
  await symlink('a.txt', join(dir, 'link'));
  return dir;
}

describe('listTree', () => {
  it('lists relative, sorted names with types and sizes, skipping dot-entries and what is under them', async () => {
    const tree = await listTree(await sample());
    expect(tree.map(({ name, type, size }) => [name, type, size])).toEqual([
      ['a.txt', 'file', 5],
      ['b', 'dir', 0],
      ['b/c', 'dir', 0],
      ['b/c/d.bin', 'file', 1234],
      ['link', 'symlink', 5],
    ]);
    expect(tree[0].mtimeMs).toBeGreaterThan(0);
    expect(tree[0].mode & 0o600).toBe(0o600);
  });

  it('lists hidden entries when asked', async () => {
    const names = (await listTree(await sample(), { hidden: true })).map((e) => e.name);
    expect(names).toEqual([
      '.env',
      '.git',
      '.git/objects',
      '.git/objects/x',
      'a.txt',
      'b',
      'b/.hidden',
      'b/c',
      'b/c/d.bin',
      'link',
    ]);
  });

  it('lists a file as one entry under its basename', async () => {
    const dir = await sample();
    expect(await listTree(join(dir, 'b/c/d.bin'))).toMatchObject([
      { name: 'd.bin', type: 'file', size: 1234 },
    ]);
  });

  it('throws a clear error past maxEntries, and not at it', async () => {
    const dir = await sample();
    expect(await listTree(dir, { maxEntries: 5 })).toHaveLength(5);
    await expect(listTree(dir, { maxEntries: 4 })).rejects.toThrow(/more than 4 entries/);
  });

  it('rejects a directory that does not exist', async () => {
    await expect(listTree(join(await tempDir(), 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
