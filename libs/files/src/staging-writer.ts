import { constants } from 'node:fs';
import { chmod, lstat, lutimes, mkdir, open, symlink, utimes } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ArchiveRefusedError, emptyStats, type PackStats } from './archive';
import { assertLinkStaysInside } from './link-check';
import { isInside } from './path-variables';

interface DirMeta {
  /** Mode to apply once extraction is done; absent for a directory that was there before. */
  mode?: number;
  mtime?: Date;
}

const IMPLICIT_DIR_MODE = 0o755;
// While extracting, everything we make stays writable and private to us; final modes come in finish().
const WORKING_DIR_MODE = 0o700;
const WORKING_FILE_MODE = 0o600;
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes archive entries into a staging directory, refusing anything that would land outside it. Names arrive as
 * checked components (see entryComponents). Never writes through a symlink: a parent that is a symlink is refused,
 * and files are created with O_EXCL | O_NOFOLLOW, so an entry never replaces or follows an earlier one.
 */
export class StagingWriter {
  readonly stats: PackStats = emptyStats();
  private readonly root: string;
  private readonly dirs = new Map<string, DirMeta>();
  private readonly links: { path: string; entry: string }[] = [];

  constructor(dest: string) {
    this.root = resolve(dest);
  }

  async directory(entry: string, parts: string[], mode: number, mtime: Date): Promise<void> {
    if (parts.length === 0) return; // './': the staging directory itself
    const path = await this.placeFor(entry, parts);
    const known = this.dirs.get(path);
    if (known === undefined) {
      await mkdir(path, WORKING_DIR_MODE).catch((err) => this.refuseExisting(err, entry));
    }
    // A directory made earlier as some entry's parent has no mtime yet: its own entry still counts.
    if (known?.mtime === undefined) this.stats.directories += 1;
    this.dirs.set(path, { mode, mtime });
  }

  async file(
    entry: string,
    parts: string[],
    mode: number,
    mtime: Date,
    data: AsyncIterable<Uint8Array>,
  ): Promise<void> {
    const path = await this.placeFor(entry, parts);
    const handle = await open(path, NEW_FILE, WORKING_FILE_MODE).catch((err) =>
      this.refuseExisting(err, entry),
    );
    try {
      for await (const chunk of data) {
        for (let offset = 0; offset < chunk.length;) {
          offset += (await handle.write(chunk, offset)).bytesWritten;
        }
        this.stats.bytes += chunk.length;
      }
      await handle.chmod(mode);
      await handle.utimes(mtime, mtime);
    } finally {
      await handle.close();
    }
    this.stats.files += 1;
  }

  async symlink(entry: string, parts: string[], target: string, mtime: Date): Promise<void> {
    const path = await this.placeFor(entry, parts);
    if (target === '' || target.includes('\0')) {
      throw new ArchiveRefusedError('bad_archive', entry, 'symlink target is empty or holds a NUL byte');
    }
    if (isAbsolute(target))
      throw new ArchiveRefusedError('link_escape', entry, `symlink to absolute "${target}"`);
    if (!isInside(this.root, resolve(dirname(path), target))) {
      throw new ArchiveRefusedError('link_escape', entry, `symlink target "${target}" leaves the archive`);
    }
    await symlink(target, path).catch((err) => this.refuseExisting(err, entry));
    await lutimes(path, mtime, mtime);
    this.links.push({ path, entry });
    this.stats.symlinks += 1;
  }

  /** Checks every symlink against the finished tree, then applies directory modes and times, deepest first. */
  async finish(): Promise<PackStats> {
    for (const link of this.links) await assertLinkStaysInside(this.root, link.path, link.entry);
    const deepestFirst = [...this.dirs].sort(([a], [b]) => b.split(sep).length - a.split(sep).length);
    for (const [path, meta] of deepestFirst) {
      if (meta.mode !== undefined) await chmod(path, meta.mode);
      if (meta.mtime !== undefined) await utimes(path, meta.mtime, meta.mtime);
    }
    return this.stats;
  }

  /** The absolute path for an entry, with every parent made (or verified) as a real directory. */
  private async placeFor(entry: string, parts: string[]): Promise<string> {
    if (parts.length === 0) throw new ArchiveRefusedError('bad_archive', entry, 'entry has no name');
    let path = this.root;
    for (const part of parts.slice(0, -1)) {
      path = join(path, part);
      if (!this.dirs.has(path)) await this.ensureParent(entry, path);
    }
    return join(path, parts[parts.length - 1]);
  }

  private async ensureParent(entry: string, path: string): Promise<void> {
    const stat = await lstat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    const shown = path.slice(this.root.length + 1);
    if (stat === undefined) {
      await mkdir(path, WORKING_DIR_MODE);
      this.dirs.set(path, { mode: IMPLICIT_DIR_MODE });
    } else if (stat.isSymbolicLink()) {
      throw new ArchiveRefusedError(
        'link_escape',
        entry,
        `parent "${shown}" is a symlink; refusing to write through it`,
      );
    } else if (!stat.isDirectory()) {
      throw new ArchiveRefusedError('bad_archive', entry, `parent "${shown}" is not a directory`);
    } else {
      this.dirs.set(path, {});
    }
  }

  private refuseExisting(err: NodeJS.ErrnoException, entry: string): never {
    if (err.code === 'EEXIST' || err.code === 'EISDIR' || err.code === 'ELOOP') {
      throw new ArchiveRefusedError('bad_archive', entry, 'the archive holds this name twice');
    }
    throw err;
  }
}
