import { createHash, type Hash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { lstat, open, rm, type FileHandle } from 'node:fs/promises';
import type { FileChunk } from './chunk-frame';

/** What became of one chunk. */
export type ChunkOutcome = 'written' | 'duplicate' | 'corrupt' | 'gap';

/** The bytes arrived whole but are not what was announced. */
export class ChecksumMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`sha256 of the received bytes is ${actual}, expected ${expected}`);
    this.name = 'ChecksumMismatchError';
  }
}

async function hashPrefix(path: string, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  for await (const block of createReadStream(path, { start: 0, end: length - 1 }))
    hash.update(block as Buffer);
  return hash;
}

/**
 * Writes one transfer's chunks, in order, into a partial file, hashing on the way. Opening an existing partial
 * file resumes: its bytes count as received (and are hashed again, since a hash's state cannot be saved). A chunk
 * that fails its checksum, or that does not start where the file ends, is not written: the caller nacks it.
 */
export class ChunkReceiver {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly size: number,
    readonly sha256: string,
    private handle: FileHandle | undefined,
    private hash: Hash,
    private written: number,
  ) {}

  static async open(path: string, size: number, sha256: string): Promise<ChunkReceiver> {
    const existing = await lstat(path).catch(() => undefined);
    // A partial file is ours only as a plain file: never write through a link someone put in its place.
    if (existing && !existing.isFile())
      throw new Error(`${path} is not a plain file; refusing to write through it`);
    const resumable = existing && existing.size <= size ? existing.size : 0;
    const { O_RDWR, O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;
    const flags = resumable > 0 ? O_RDWR | O_NOFOLLOW : O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
    const handle = await open(path, flags, 0o600);
    try {
      if (existing && resumable === 0) await handle.truncate(0);
      const hash = await hashPrefix(path, resumable);
      return new ChunkReceiver(path, size, sha256, handle, hash, resumable);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Bytes held, from the start of the file. */
  get offset(): number {
    return this.written;
  }

  get complete(): boolean {
    return this.written >= this.size;
  }

  /** Writes a chunk if it is the next one and intact; calls are queued, so their order is kept. */
  write(chunk: FileChunk): Promise<ChunkOutcome> {
    const next = this.queue.then(() => this.writeNow(chunk));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Flushes to disk, closes, and checks the whole-file sha256 (throws ChecksumMismatchError). */
  async finish(): Promise<void> {
    await this.queue;
    const handle = this.take();
    if (!handle) throw new Error('transfer already closed');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
    const actual = this.hash.digest('hex');
    if (actual !== this.sha256) throw new ChecksumMismatchError(this.sha256, actual);
  }

  /** Closes without checking; the partial file stays for a resume unless `discard`. */
  async close(discard = false): Promise<void> {
    await this.queue;
    await this.take()?.close();
    if (discard) await rm(this.path, { force: true });
  }

  private take(): FileHandle | undefined {
    const handle = this.handle;
    this.handle = undefined;
    return handle;
  }

  private async writeNow(chunk: FileChunk): Promise<ChunkOutcome> {
    if (!this.handle) throw new Error('transfer closed');
    if (!chunk.intact) return 'corrupt';
    if (chunk.offset + chunk.payload.length <= this.written) return 'duplicate';
    if (chunk.offset !== this.written) return 'gap';
    if (chunk.offset + chunk.payload.length > this.size) return 'corrupt';
    let done = 0;
    while (done < chunk.payload.length) {
      const { bytesWritten } = await this.handle.write(
        chunk.payload,
        done,
        chunk.payload.length - done,
        chunk.offset + done,
      );
      done += bytesWritten;
    }
    this.hash.update(chunk.payload);
    this.written += chunk.payload.length;
    return 'written';
  }
}
