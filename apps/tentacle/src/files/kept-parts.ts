import { randomUUID } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** A partial file kept this long without a resume is given up: its delivery expired or was cancelled meanwhile. */
export const STALE_PART_MS = 24 * 60 * 60 * 1000;

interface KeptPart {
  path: string;
  keptAt: number;
}

/**
 * The partial files of pushes stopped by a closed link, kept in the users' directories for a resume. Recorded in
 * `<stateDir>/transfers/kept.json` so that a restart still knows them: a cancel can remove them, and the sweep
 * removes those nobody resumed. Only recorded paths are ever deleted; nothing scans the user's directories.
 */
export class KeptParts {
  readonly file: string;
  private readonly parts = new Map<string, KeptPart>();
  /** Writes one after the other, so an older list never lands after a newer one. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    stateDir: string,
    private readonly log: Logger,
  ) {
    this.file = join(stateDir, 'transfers', KEPT_FILE);
  }

  /** Reads what a previous run recorded; a missing or unreadable list counts as empty. */
  async load(): Promise<void> {
    const text = await readFile(this.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      return '{}';
    });
    try {
      const recorded = JSON.parse(text) as Record<string, Partial<KeptPart>>;
      for (const [transferId, part] of Object.entries(recorded)) {
        if (typeof part?.path === 'string' && typeof part.keptAt === 'number' && !this.parts.has(transferId))
          this.parts.set(transferId, { path: part.path, keptAt: part.keptAt });
      }
    } catch (error) {
      this.log.warn(
        { file: this.file, err: (error as Error).message },
        'ignoring an unreadable list of kept partial files',
      );
    }
  }

  get(transferId: string): string | undefined {
    return this.parts.get(transferId)?.path;
  }

  add(transferId: string, path: string, now = Date.now()): Promise<void> {
    this.parts.set(transferId, { path, keptAt: now });
    return this.save();
  }

  /** Forgets a part (resumed, or removed); the file itself is the caller's. */
  forget(transferId: string): Promise<void> {
    if (!this.parts.delete(transferId)) return this.saving;
    return this.save();
  }

  /** Transfers whose part was kept longer than STALE_PART_MS ago. */
  stale(now = Date.now()): string[] {
    return [...this.parts].filter(([, part]) => now - part.keptAt > STALE_PART_MS).map(([id]) => id);
  }

  /** Forgets the parts whose file is gone (placed by hand, or removed by the user). */
  async dropMissing(): Promise<void> {
    for (const [transferId, part] of [...this.parts]) {
      const gone = await lstat(part.path).then(
        () => false,
        (error: NodeJS.ErrnoException) => error.code === 'ENOENT' || error.code === 'ENOTDIR',
      );
      if (gone && this.parts.get(transferId) === part) await this.forget(transferId);
    }
  }

  private save(): Promise<void> {
    const list = Object.fromEntries(this.parts);
    this.saving = this.saving.then(() =>
      writeAtomically(this.file, JSON.stringify(list)).catch((error: Error) => {
        this.log.warn({ file: this.file, err: error.message }, 'cannot record the kept partial files');
      }),
    );
    return this.saving;
  }
}

/** Its name in the transfers directory, which the sweep of packed pulls leaves alone. */
export const KEPT_FILE = 'kept.json';

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temp = `${file}.${randomUUID()}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
