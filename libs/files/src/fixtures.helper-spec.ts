import { randomBytes } from 'node:crypto';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { listTree } from './tree';

const made: string[] = [];

/** A fresh directory under os.tmpdir(), removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'octopod-files-'));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * `parent/name`: nested dirs, an empty file, an empty dir, a relative symlink inside, files with modes 0o750 and
 * 0o600, and a 5 MB random file.
 */
export async function makeTree(parent: string, name = 'tree'): Promise<string> {
  const root = join(parent, name);
  await mkdir(join(root, 'nested/deeper/deepest'), { recursive: true });
  await mkdir(join(root, 'empty-dir'));
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'nested/hello.txt'), 'hello\n');
  await writeFile(join(root, 'nested/deeper/deepest/leaf.txt'), 'leaf');
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'run.sh'), 0o750);
  await writeFile(join(root, 'secret.key'), 'private');
  await chmod(join(root, 'secret.key'), 0o600);
  await writeFile(join(root, 'nested/big.bin'), randomBytes(5 * 1024 * 1024));
  await symlink('../run.sh', join(root, 'nested/link-to-run'));
  // Whole seconds: tar keeps seconds only.
  await utimes(join(root, 'nested/hello.txt'), 1_700_000_000, 1_700_000_000);
  return root;
}

/** Asserts both trees hold the same names, types, modes, bytes and symlink targets. */
export async function expectSameTree(expected: string, actual: string): Promise<void> {
  const want = await listTree(expected, { hidden: true });
  const got = await listTree(actual, { hidden: true });
  expect(got.map(({ name, type, mode, size }) => ({ name, type, mode, size }))).toEqual(
    want.map(({ name, type, mode, size }) => ({ name, type, mode, size })),
  );
  for (const entry of want) {
    const [a, b] = [join(expected, entry.name), join(actual, entry.name)];
    if (entry.type === 'symlink') expect(await readlink(b)).toBe(await readlink(a));
    if (entry.type === 'file') expect((await readFile(b)).equals(await readFile(a))).toBe(true);
  }
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}
