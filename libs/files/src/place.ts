import { constants } from 'node:fs';
import { lstat, open, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareNames } from './walk';

/**
 * Moves every top-level entry of `staging` into `targetDir` like `cp -r staging/* targetDir`, but by rename (callers
 * keep staging on the target's filesystem): a new name is renamed into place, a directory onto a directory merges
 * recursively, and anything else replaces what was there. Returns the top-level names placed.
 */
export async function placeEntries(staging: string, targetDir: string): Promise<string[]> {
  if (!(await lstat(targetDir)).isDirectory())
    throw new Error(`cannot place into "${targetDir}": not a directory`);
  const names = (await readdir(staging)).sort(compareNames);
  for (const name of names) await place(join(staging, name), join(targetDir, name));
  return names;
}

async function place(from: string, to: string): Promise<void> {
  const source = await lstat(from);
  const existing = await lstat(to).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing === undefined) return rename(from, to);
  // A symlink at `to` is replaced, never merged into: merging would write through it.
  if (source.isDirectory() && existing.isDirectory()) {
    for (const child of (await readdir(from)).sort(compareNames))
      await place(join(from, child), join(to, child));
    return rmdir(from);
  }
  // rename() replaces a file or symlink atomically; a directory in the way, or one replacing a file, goes first.
  if (existing.isDirectory() || source.isDirectory()) await rm(to, { recursive: true, force: true });
  return rename(from, to);
}

/**
 * Puts one finished file in place: fsync and optional chmod through one handle that refuses a symlink, then
 * rename(tempFile, targetDir/name), then fsync of the directory so the new name survives a crash. `tempFile` must be
 * on the target's filesystem. Returns the final path.
 */
export async function placeFile(
  tempFile: string,
  targetDir: string,
  name: string,
  mode?: number,
): Promise<string> {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new Error(`cannot place a file named "${name}": a single path component is required`);
  }
  // One handle, opened without following a symlink, for both the fsync and the chmod: someone who swaps the temp file
  // for a link must not get us (often root) to chmod the link's target. O_NONBLOCK: a FIFO put there must not hang us.
  const file = await open(tempFile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!(await file.stat()).isFile()) throw new Error(`cannot place "${tempFile}": not a regular file`);
    if (mode !== undefined) await file.chmod(mode);
    await file.sync();
  } finally {
    await file.close();
  }
  const target = join(targetDir, name);
  await rename(tempFile, target);
  const dir = await open(targetDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return target;
}
