import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compareNames } from './walk';

export interface TreeEntry {
  /** Relative to the listed directory, '/'-separated. */
  name: string;
  type: 'file' | 'dir' | 'symlink';
  /** Bytes for a file, the target's length for a symlink, 0 for a directory. */
  size: number;
  /** Permission bits, including setuid, setgid and sticky. */
  mode: number;
  mtimeMs: number;
}

export interface ListTreeOptions {
  /** List dot-entries and what is under dot-directories. Default false. */
  hidden?: boolean;
  /** Refuse to list more than this many entries. Default 100 000. */
  maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Lists `dir` recursively, sorted by name; symlinks are listed, not followed; sockets, fifos and devices are left
 * out. When `dir` is a file (or a symlink), returns that one entry under its basename.
 */
export async function listTree(dir: string, options: ListTreeOptions = {}): Promise<TreeEntry[]> {
  const hidden = options.hidden ?? false;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const top = await lstat(dir);
  if (!top.isDirectory()) {
    const entry = toEntry(basename(dir), top);
    return entry === undefined ? [] : [entry];
  }
  const entries: TreeEntry[] = [];
  const pending = [''];
  for (let prefix = pending.pop(); prefix !== undefined; prefix = pending.pop()) {
    for (const child of await readdir(join(dir, prefix))) {
      if (!hidden && child.startsWith('.')) continue;
      const name = prefix === '' ? child : `${prefix}/${child}`;
      const entry = toEntry(name, await lstat(join(dir, name)));
      if (entry === undefined) continue;
      if (entries.length >= maxEntries) {
        throw new Error(`"${dir}" holds more than ${maxEntries} entries; list a subdirectory instead`);
      }
      entries.push(entry);
      if (entry.type === 'dir') pending.push(name);
    }
  }
  return entries.sort((a, b) => compareNames(a.name, b.name));
}

function toEntry(name: string, stats: Stats): TreeEntry | undefined {
  const type = stats.isFile()
    ? 'file'
    : stats.isDirectory()
      ? 'dir'
      : stats.isSymbolicLink()
        ? 'symlink'
        : undefined;
  if (type === undefined) return undefined;
  const size = type === 'dir' ? 0 : stats.size;
  return { name, type, size, mode: stats.mode & 0o7777, mtimeMs: stats.mtimeMs };
}
