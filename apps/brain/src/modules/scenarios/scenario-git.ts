import { VersionedRepo } from '@octopod/scenario';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from './snapshot';

const SNAPSHOT_FILE = '.octopod/snapshot.json';

/** The trailer that ties a commit to the step that made it, so a step resumed after a crash finds its commit. */
const stepTrailer = (stepKey: string) => `Octopod-Step: ${stepKey}`;

/**
 * The brain's side of version history: each scenario's folder in a git repository of its own
 * (`<workspace>/.octopod/scenarios/<name>/`), one commit per scenario version, holding the folder as applied and
 * the snapshot of every nodeapp's version.
 */
export class ScenarioGit {
  constructor(readonly root: string) {}

  dir(name: string): string {
    return join(this.root, name);
  }

  /**
   * Commits a version: the folder's contents (when given; else the last folder stays) and the snapshot. Answers the
   * commit's hash; a commit this step made before (a resumed step) is found instead of made again.
   */
  async commit(
    name: string,
    change: { folder: string | null; snapshot: Snapshot; message: string; stepKey: string },
  ): Promise<string> {
    const repo = await this.open(name);
    const trailer = stepTrailer(change.stepKey);
    if ((await repo.headMessage()).includes(trailer)) return repo.head();
    if (change.folder) await this.replaceContents(repo.dir, change.folder);
    await mkdir(join(repo.dir, '.octopod'), { recursive: true });
    await writeFile(join(repo.dir, SNAPSHOT_FILE), `${JSON.stringify(change.snapshot, null, 2)}\n`);
    const { hash } = await repo.commitEvenIfEmpty(`${change.message}\n\n${trailer}`);
    return hash;
  }

  /** The commit this step made, if HEAD is it (a step resumed after a crash between commit and record). */
  async committedBy(name: string, stepKey: string): Promise<string | null> {
    const repo = await this.open(name);
    return (await repo.headMessage()).includes(stepTrailer(stepKey)) ? repo.head() : null;
  }

  /** Whether the folder differs from the last version's (nothing committed). */
  async folderChanged(name: string, folder: string): Promise<boolean> {
    const repo = await this.open(name);
    if (!(await repo.head())) return true;
    await this.replaceContents(repo.dir, folder);
    return repo.dirty();
  }

  /** Makes the folder the one of `hash`, as a new commit with the given snapshot (revert-like: A→B→C→A). */
  async reset(
    name: string,
    change: { hash: string; snapshot: Snapshot; message: string; stepKey: string },
  ): Promise<string> {
    const repo = await this.open(name);
    if ((await repo.headMessage()).includes(stepTrailer(change.stepKey))) return repo.head();
    await repo.restoreTree(change.hash);
    return this.commit(name, { ...change, folder: null });
  }

  /**
   * Opens the scenario's repository. One run at a time writes to it, so a git index lock left there is stale (a
   * brain killed in the middle of a commit) and is removed rather than failing every later version.
   */
  private async open(name: string): Promise<VersionedRepo> {
    await rm(join(this.dir(name), '.git', 'index.lock'), { force: true });
    return VersionedRepo.open(this.dir(name));
  }

  async remove(name: string): Promise<void> {
    await rm(this.dir(name), { recursive: true, force: true });
  }

  /** The work tree becomes exactly `folder`'s contents (`.git` and the snapshot's `.octopod` aside). */
  private async replaceContents(dir: string, folder: string): Promise<void> {
    for (const entry of await readdir(dir)) {
      if (entry !== '.git' && entry !== '.octopod')
        await rm(join(dir, entry), { recursive: true, force: true });
    }
    await cp(folder, dir, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => !src.endsWith('/.git'),
    });
  }
}
