import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from './git';
import { VersionedRepo, VersionNotFoundError } from './versioned-repo';

describe('VersionedRepo (real git)', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'octopod-napp-'));
    dir = join(root, 'hello@demo');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('creates the repository, commits what changed as Octopod, and says when nothing did', async () => {
    const repo = await VersionedRepo.open(dir);
    expect(await repo.head()).toBe('');
    await writeFile(join(dir, 'a.txt'), 'one');
    const first = await repo.commitAll('(Prepare-Stage1) first');
    expect(first.modified).toBe(true);
    expect(first.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(await repo.commitAll('again')).toEqual({ hash: first.hash, modified: false });
    expect((await git(dir, ['log', '-1', '--format=%an <%ae>'])).trim()).toBe('Octopod <octopod@localhost>');
    expect(await repo.dirty()).toBe(false);
  });

  it('honours .gitignore', async () => {
    const repo = await VersionedRepo.open(dir);
    await writeFile(join(dir, '.gitignore'), '*.log\n');
    await writeFile(join(dir, 'keep.txt'), 'k');
    await writeFile(join(dir, 'noise.log'), 'n');
    await repo.commitAll('with ignore');
    expect((await git(dir, ['ls-files'])).split('\n').filter(Boolean).sort()).toEqual([
      '.gitignore',
      'keep.txt',
    ]);
    expect(await repo.dirty()).toBe(false);
  });

  it('commit makes a version every time, even when nothing else changed', async () => {
    const repo = await VersionedRepo.open(dir);
    await writeFile(join(dir, 'a.txt'), 'one');
    const first = await repo.commitAll('first');
    const second = await repo.commitAlways('nothing new');
    expect(second.modified).toBe(true);
    expect(second.hash).not.toBe(first.hash);
    expect((await repo.versions()).map((v) => v.message)).toEqual(['nothing new', 'first']);
  });

  it('resets revert-like: A→B→C back to A gives A→B→C→A, removing uncommitted files', async () => {
    const repo = await VersionedRepo.open(dir);
    await writeFile(join(dir, 'f.txt'), 'A');
    const a = await repo.commitAll('A');
    await writeFile(join(dir, 'f.txt'), 'B');
    await writeFile(join(dir, 'b-only.txt'), 'b');
    await repo.commitAll('B');
    await writeFile(join(dir, 'f.txt'), 'C');
    await repo.commitAll('C');
    await writeFile(join(dir, 'scratch.txt'), 'never committed');
    const reset = await repo.reset(a.hash.slice(0, 7), 'back to A');
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('A');
    expect(existsSync(join(dir, 'b-only.txt'))).toBe(false);
    expect(existsSync(join(dir, 'scratch.txt'))).toBe(false);
    expect((await repo.versions(0, 10)).map((v) => v.message)).toEqual(['back to A', 'C', 'B', 'A']);
    expect((await repo.versions(1, 2)).map((v) => v.message)).toEqual(['C', 'B']);
    expect(reset.hash).toBe(await repo.head());
  });

  it('refuses version prefixes that are too short, unknown or not hex, by name', async () => {
    const repo = await VersionedRepo.open(dir);
    await writeFile(join(dir, 'f.txt'), 'A');
    await repo.commitAll('A');
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) => (error instanceof VersionNotFoundError ? error.code : String(error)),
      );
    expect(await code(repo.resolve('a'))).toBe('too_short');
    expect(await code(repo.resolve('zz12'))).toBe('too_short');
    expect(await code(repo.resolve('0000000'))).toBe('unknown');
  });

  it('refuses a prefix two versions share as ambiguous', async () => {
    const repo = await VersionedRepo.open(dir);
    const seen = new Map<string, string>();
    let shared: string | undefined;
    // 257 commits guarantee two share their first two hex digits; a handful usually do.
    for (let i = 0; i < 257 && shared === undefined; i++) {
      const { hash } = await repo.commitAlways(`v${i}`);
      if (seen.has(hash.slice(0, 2))) shared = hash.slice(0, 2);
      seen.set(hash.slice(0, 2), hash);
    }
    const error = await repo.resolve(shared as string).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VersionNotFoundError);
    expect(error).toMatchObject({ code: 'ambiguous', message: `version ${shared} is ambiguous (2 match)` });
  });

  it('finds an existing repository without creating one', async () => {
    expect(await VersionedRepo.find(dir)).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
    await VersionedRepo.open(dir);
    expect((await VersionedRepo.find(dir))?.dir).toBe(dir);
  });

  it('ignores local patterns: never committed, never dirty, kept by a reset, written once', async () => {
    const repo = await VersionedRepo.open(dir);
    await repo.ignoreLocally(['.octopod-*']);
    await repo.ignoreLocally(['.octopod-*', '*.tmp']);
    const exclude = readFileSync(join(dir, '.git', 'info', 'exclude'), 'utf8');
    expect(exclude.match(/^\.octopod-\*$/gm)).toHaveLength(1);
    await writeFile(join(dir, 'f.txt'), 'A');
    await writeFile(join(dir, '.octopod-1.part'), 'partial');
    const a = await repo.commitAll('A');
    expect((await git(dir, ['ls-files'])).trim()).toBe('f.txt');
    expect(await repo.dirty()).toBe(false);
    await writeFile(join(dir, 'f.txt'), 'B');
    await repo.commitAll('B');
    await repo.reset(a.hash, 'back');
    expect(readFileSync(join(dir, '.octopod-1.part'), 'utf8')).toBe('partial');
  });
});
