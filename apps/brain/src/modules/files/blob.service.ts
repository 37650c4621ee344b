import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { ApiError } from '../../core/http/api-error';
import { BlobStore, type StoredBlob } from './blob-store';
import { FilesRepository } from './files.repository';
import { SharedBlobSources } from './shared-blob-source';

/** Unfinished temp files (uploads cut off, pulls never resumed) are swept after this long. */
const TEMP_MAX_AGE_MS = 24 * 3600_000;

/** The brain's blobs: the store on disk and the table that says when each was last used. */
@Injectable()
export class BlobService {
  private readonly logger = new Logger('files');
  readonly store: BlobStore;
  readonly sources = new SharedBlobSources();

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly files: FilesRepository,
  ) {
    this.store = new BlobStore(config.files.blobDir ?? join(config.workspace.root, '.octopod', 'blobs'));
  }

  /** Largest upload accepted (`files.maxUploadBytes`). */
  get maxUploadBytes(): number {
    return this.config.files.maxUploadBytes;
  }

  async upload(input: Readable, expected?: string): Promise<StoredBlob> {
    const blob = await this.store.write(input, { expected, limitBytes: this.maxUploadBytes });
    await this.files.touch(blob.sha256, blob.size);
    return blob;
  }

  /** Adopts a finished temp file (a pull) as a blob. */
  async adopt(temp: string, blob: StoredBlob): Promise<void> {
    await this.store.adopt(temp, blob.sha256);
    await this.files.touch(blob.sha256, blob.size);
  }

  /** A file already on the store's disk (a multipart upload multer wrote to the temp directory) becomes a blob. */
  async adoptUpload(path: string): Promise<StoredBlob> {
    const hash = createHash('sha256');
    let size = 0;
    for await (const block of createReadStream(path)) {
      hash.update(block as Buffer);
      size += (block as Buffer).length;
    }
    const blob = { sha256: hash.digest('hex'), size };
    await this.adopt(path, blob);
    return blob;
  }

  /** The blob's size; 404 `blob_not_found` when it is not in the store. Marks it used. */
  async require(sha256: string): Promise<number> {
    const size = await this.store.size(sha256);
    if (size === undefined) {
      throw ApiError.notFound('blob_not_found', `no blob ${sha256} on the brain (upload it first)`);
    }
    await this.files.touch(sha256, size);
    return size;
  }

  /** Deletes blobs unused for the retention period that no unfinished push needs, and stale temp files. */
  async collect(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.files.blobRetentionHours * 3600_000);
    const stale = await this.files.claimCollectable(before);
    for (const sha256 of stale) await this.store.remove(sha256);
    const temps = await this.store.sweepTemp(TEMP_MAX_AGE_MS, now.getTime());
    if (stale.length || temps) this.logger.log({ blobs: stale.length, temps }, 'collected unused blobs');
    return stale.length;
  }
}
