import { lstat, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ArchiveRefusedError } from './archive';

const MAX_HOPS = 40;

/**
 * Follows the symlink at `link` the way the kernel would, through any symlinks it meets inside `root`, and refuses
 * it when a step leaves `root`. A lexical check per link is not enough: 'q' → 'a/s/..' with 'a/s' → '../..' looks
 * inside but lands outside. Missing components are taken as plain names.
 */
export async function assertLinkStaysInside(root: string, link: string, entry: string): Promise<void> {
  const escape = (why: string) => new ArchiveRefusedError('link_escape', entry, why);
  const resolved = relative(root, dirname(link)).split(sep).filter(Boolean);
  const pending = (await readlink(link)).split('/');
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) throw escape('symlink resolves outside the archive');
      resolved.pop();
      continue;
    }
    const here = join(root, ...resolved, part);
    if (await isSymlink(here)) {
      if (++hops > MAX_HOPS) throw escape('too many levels of symlinks');
      const target = await readlink(here);
      if (isAbsolute(target)) throw escape('symlink resolves through an absolute symlink');
      pending.unshift(...target.split('/'));
      continue;
    }
    resolved.push(part);
  }
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch (err) {
    if (
      (err as NodeJS.ErrnoException).code === 'ENOENT' ||
      (err as NodeJS.ErrnoException).code === 'ENOTDIR'
    ) {
      return false;
    }
    throw err;
  }
}
