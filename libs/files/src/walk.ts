import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

export interface SourceEntry {
  /** Archive name: basename(source), then '/'-joined relative components. */
  name: string;
  path: string;
  stats: Stats;
  kind: 'file' | 'dir' | 'symlink' | 'special';
}

/** Byte-order comparison, so the walk order never depends on the locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Depth first, each directory before its children, siblings sorted; symlinks are reported, never followed. */
export async function* walkSource(source: string): AsyncGenerator<SourceEntry> {
  const path = resolve(source);
  const name = basename(path);
  if (name === '') throw new Error(`cannot pack "${source}": it has no name (the filesystem root?)`);
  yield* visit(path, name);
}

/** The entries of directory `dir` itself, named relative to it (the directory's own entry is left out). */
export async function* walkContents(dir: string): AsyncGenerator<SourceEntry> {
  const path = resolve(dir);
  for (const child of (await readdir(path)).sort(compareNames)) yield* visit(join(path, child), child);
}

async function* visit(path: string, name: string): AsyncGenerator<SourceEntry> {
  const stats = await lstat(path);
  const kind = kindOf(stats);
  yield { name, path, stats, kind };
  if (kind !== 'dir') return;
  const children = (await readdir(path)).sort(compareNames);
  for (const child of children) yield* visit(join(path, child), `${name}/${child}`);
}

function kindOf(stats: Stats): SourceEntry['kind'] {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'special';
}
