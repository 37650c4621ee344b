import { packTar, packZip } from '@octopod/files';
import type { FilePull, FileSource } from '@octopod/protocol';
import type { Stats } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { hashFile, packToFile } from './hashing';
import { KEPT_FILE } from './kept-parts';

/** What a pull offers: the bytes' file and their description. */
export interface Offer {
  body: FileSource;
  /** The file whose bytes are sent. */
  file: string;
  /** A packed copy in the state directory (removed when done), rather than the user's own file. */
  packed: boolean;
  lastUsedAt: number;
  /** Senders reading it now. */
  readers: number;
}

/** A packed pull nobody asked about for this long is forgotten and deleted. */
export const STALE_PULL_MS = 60 * 60 * 1000;

/**
 * The pulls offered to the brain, by transfer id. Each is packed once: a repeated `file.pull` (the brain resuming
 * after a reconnect) gets the same offer. Packed copies live in `<stateDir>/transfers/` until `file.done`.
 */
export class PullSources {
  private readonly offers = new Map<string, Promise<Offer>>();
  readonly dir: string;

  constructor(
    stateDir: string,
    private readonly log: Logger,
  ) {
    this.dir = join(stateDir, 'transfers');
  }

  /** The offer of this transfer if there is one (a failed packing counts as none). */
  async find(transferId: string): Promise<Offer | undefined> {
    const offer = await this.offers.get(transferId)?.catch(() => undefined);
    if (offer) offer.lastUsedAt = Date.now();
    return offer;
  }

  /** Packs what `path` (resolved, seen as `stats`) holds the first time; the same offer after that. */
  offer(body: FilePull, path: string, stats: Stats): Promise<Offer> {
    const known = this.offers.get(body.transferId);
    if (known) return known;
    const packing = this.pack(body, path, stats);
    this.offers.set(body.transferId, packing);
    packing.catch(() => this.offers.delete(body.transferId));
    return packing;
  }

  /** The brain holds the bytes: forget the offer and delete its packed copy. */
  async drop(transferId: string): Promise<void> {
    const offer = await this.find(transferId);
    this.offers.delete(transferId);
    if (offer?.packed) await rm(offer.file, { force: true });
  }

  /** Forgets offers nobody used for an hour, and deletes packed copies older than that no offer holds (a restart's). */
  async sweep(now = Date.now()): Promise<void> {
    const offered = new Set<string>();
    for (const [transferId, pending] of this.offers) {
      const offer = await pending.catch(() => undefined);
      if (!offer) continue;
      if (offer.readers > 0 || now - offer.lastUsedAt <= STALE_PULL_MS) {
        offered.add(offer.file);
        continue;
      }
      this.log.info({ transferId }, 'forgetting a pull the brain never finished');
      await this.drop(transferId);
    }
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const file = join(this.dir, name);
      if (offered.has(file) || name === KEPT_FILE) continue;
      const found = await stat(file).catch(() => undefined);
      if (found && now - found.mtimeMs > STALE_PULL_MS) await rm(file, { recursive: true, force: true });
    }
  }

  private async pack(body: FilePull, path: string, stats: Stats): Promise<Offer> {
    const type: FileSource['type'] = stats.isDirectory() ? 'dir' : 'file';
    const described = {
      transferId: body.transferId,
      type,
      name: basename(path) || 'root',
      mode: stats.mode & 0o7777,
    };
    const offer = (
      file: string,
      packed: boolean,
      format: FileSource['format'],
      digest: { size: number; sha256: string },
    ): Offer => ({
      body: { ...described, format, ...digest },
      file,
      packed,
      lastUsedAt: Date.now(),
      readers: 0,
    });
    if (body.format === 'auto' && type === 'file') return offer(path, false, 'file', await hashFile(path));
    await mkdir(this.dir, { recursive: true });
    const started = Date.now();
    if (body.format === 'zip') {
      const file = join(this.dir, `${body.transferId}.zip`);
      const digest = await packToFile(file, (out) => packZip(path, out, { prefix: body.zipPrefix ?? '' }));
      this.log.info(
        { transferId: body.transferId, path, size: digest.size, ms: Date.now() - started },
        'pull zipped',
      );
      return offer(file, true, 'zip', digest);
    }
    const file = join(this.dir, `${body.transferId}.tar`);
    const digest = await packToFile(file, (out) => packTar(path, out));
    this.log.info(
      { transferId: body.transferId, path, size: digest.size, ms: Date.now() - started },
      'pull packed',
    );
    return offer(file, true, 'tar', digest);
  }
}
