import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { git, GitError } from './git';

/** One commit of a nodeapp, newest first in listings. */
export interface RepoVersion {
  hash: string;
  /** Commit time, unix ms. */
  time: number;
  message: string;
}

/** What a change to the nodeapp left: its HEAD, and whether a new commit was made. */
export interface Committed {
  hash: string;
  modified: boolean;
}

/** Why a version prefix does not name one commit. */
export class VersionNotFoundError extends Error {
  constructor(
    readonly code: 'too_short' | 'unknown' | 'ambiguous',
    message: string,
  ) {
    super(message);
    this.name = 'VersionNotFoundError';
  }
}

const MIN_PREFIX = 2;
const DUMMY = '.DUMMY';

/**
 * A nodeapp's directory (`<workspace>/<app>@<scenario>/`) as a git repository: what prepare copied in is committed
 * (`.gitignore` honoured), `commit` always makes a version (as Octopoda's did, through `.DUMMY`), and a reset is
 * revert-like — going back to A from A→B→C gives A→B→C→A, and files that were never committed are removed.
 */
export class VersionedRepo {
  private constructor(readonly dir: string) {}

  /** Opens the repository in `dir`, creating the directory and `git init` when new. */
  static async open(dir: string): Promise<VersionedRepo> {
    await mkdir(dir, { recursive: true });
    const repo = new VersionedRepo(dir);
    if (!(await isRepository(dir))) await git(dir, ['init', '-q', '-b', 'main']);
    return repo;
  }

  /** The repository in `dir` if there is one (`dir/.git`); never creates anything. */
  static async find(dir: string): Promise<VersionedRepo | undefined> {
    return (await isRepository(dir)) ? new VersionedRepo(dir) : undefined;
  }

  /**
   * Makes git ignore `patterns` in this clone only (`.git/info/exclude`, never committed): files of our own that
   * may sit in the work tree for a while, which no commit may take and no reset may remove.
   */
  async ignoreLocally(patterns: readonly string[]): Promise<void> {
    const file = join(this.dir, '.git', 'info', 'exclude');
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const present = new Set(text.split('\n').map((line) => line.trim()));
    const missing = patterns.filter((pattern) => !present.has(pattern));
    if (missing.length === 0) return;
    await mkdir(join(this.dir, '.git', 'info'), { recursive: true });
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    await appendFile(file, `${separator}${missing.join('\n')}\n`);
  }

  /** HEAD's hash, or '' before the first commit. */
  async head(): Promise<string> {
    try {
      return (await git(this.dir, ['rev-parse', '--verify', '-q', 'HEAD'])).trim();
    } catch (error) {
      if (error instanceof GitError) return '';
      throw error;
    }
  }

  /** Uncommitted changes in the work tree (ignored files do not count). */
  async dirty(): Promise<boolean> {
    return (await git(this.dir, ['status', '--porcelain'])).trim() !== '';
  }

  /** Commits everything (honouring `.gitignore`) if anything changed; Octopoda's "OK: No Change" otherwise. */
  async commitAll(message: string): Promise<Committed> {
    await git(this.dir, ['add', '-A']);
    const staged = (await git(this.dir, ['status', '--porcelain'])).trim() !== '';
    if (!staged) return { hash: await this.head(), modified: false };
    await git(this.dir, ['commit', '-q', '--no-verify', '-m', message]);
    return { hash: await this.head(), modified: true };
  }

  /** Commits everything, making a commit even when nothing changed (a version that records something else). */
  async commitEvenIfEmpty(message: string): Promise<Committed> {
    await git(this.dir, ['add', '-A']);
    await git(this.dir, ['commit', '-q', '--no-verify', '--allow-empty', '-m', message]);
    return { hash: await this.head(), modified: true };
  }

  /** HEAD's full commit message, or '' before the first commit. */
  async headMessage(): Promise<string> {
    if (!(await this.head())) return '';
    return git(this.dir, ['log', '-1', '--format=%B']);
  }

  /** Octopoda's `commit` target: a new version every time, even when nothing else changed. */
  async commitAlways(message: string): Promise<Committed> {
    await appendFile(join(this.dir, DUMMY), '+\n');
    return this.commitAll(message);
  }

  /** Versions newest first. */
  async versions(offset = 0, limit = 5): Promise<RepoVersion[]> {
    if (!(await this.head())) return [];
    const out = await git(this.dir, ['log', `--skip=${offset}`, `-n${limit}`, '--format=%H%x00%ct%x00%s']);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [hash, seconds, message] = line.split('\0');
        return { hash, time: Number(seconds) * 1000, message };
      });
  }

  /** The full hash a prefix names; refuses too short, unknown and ambiguous prefixes. */
  async resolve(prefix: string): Promise<string> {
    if (!/^[0-9a-f]+$/i.test(prefix) || prefix.length < MIN_PREFIX || prefix.length > 40) {
      throw new VersionNotFoundError(
        'too_short',
        `version "${prefix}" must be ${MIN_PREFIX} to 40 hex digits`,
      );
    }
    const all = (await git(this.dir, ['rev-list', '--all'])).split('\n').filter(Boolean);
    const matches = all.filter((hash) => hash.startsWith(prefix.toLowerCase()));
    if (matches.length === 0)
      throw new VersionNotFoundError('unknown', `no version ${prefix} in ${this.dir}`);
    if (matches.length > 1) {
      throw new VersionNotFoundError('ambiguous', `version ${prefix} is ambiguous (${matches.length} match)`);
    }
    return matches[0];
  }

  /** Makes the work tree and index exactly `commit`'s tree (files never committed are removed), committing nothing. */
  async restoreTree(commit: string): Promise<void> {
    await git(this.dir, ['read-tree', '--reset', '-u', commit]);
    await git(this.dir, ['clean', '-fdq']);
  }

  /** Makes the work tree the version `prefix` names, as a new commit on top (history is never rewritten). */
  async reset(prefix: string, message: string): Promise<Committed> {
    await this.restoreTree(await this.resolve(prefix));
    await git(this.dir, ['commit', '-q', '--no-verify', '--allow-empty', '-m', message]);
    return { hash: await this.head(), modified: true };
  }
}

/** Whether `dir` holds a repository of its own (`dir/.git`). */
async function isRepository(dir: string): Promise<boolean> {
  return (await stat(join(dir, '.git')).catch(() => undefined)) !== undefined;
}
