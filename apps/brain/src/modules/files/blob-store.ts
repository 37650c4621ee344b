import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../../core/http/api-error';

export interface StoredBlob {
  sha256: string;
  size: number;
}

const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Files by content on the brain's disk: `<dir>/<first two hex>/<sha256>`. Writes stream into `<dir>/tmp/` and
 * are hashed on the way, then renamed into place, so a blob under its name is always whole.
 */
export class BlobStore {
  constructor(readonly dir: string) {}

  static isSha256(value: string): boolean {
    return SHA256.test(value);
  }

  path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new ApiError(400, 'bad_blob', `"${sha256}" is not a sha256`);
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** A path in the store's temp directory (same filesystem, so `adopt` is a rename); fresh unless named. */
  async tempPath(name: string = randomUUID()): Promise<string> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true });
    return join(this.dir, 'tmp', name);
  }

  async size(sha256: string): Promise<number | undefined> {
    const info = await stat(this.path(sha256)).catch(() => undefined);
    return info?.isFile() ? info.size : undefined;
  }

  /**
   * Streams `input` into the store; `limitBytes` caps it; `expected` (a sha256 the sender announced) must match.
   * Nothing is left behind when it fails.
   */
  async write(
    input: Readable,
    options: { expected?: string; limitBytes?: number } = {},
  ): Promise<StoredBlob> {
    const temp = await this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const limit = options.limitBytes ?? Number.POSITIVE_INFINITY;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > limit)
          return done(new ApiError(413, 'too_large', `the upload is larger than ${limit} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      // A large buffer lets chunks that arrive during a write go to disk together (writev), not one by one.
      await pipeline(input, counter, createWriteStream(temp, { highWaterMark: WRITE_BUFFER_BYTES }));
      const sha256 = hash.digest('hex');
      if (options.expected && options.expected !== sha256) {
        throw new ApiError(
          422,
          'checksum_mismatch',
          `the upload's sha256 is ${sha256}, not the announced ${options.expected}`,
        );
      }
      await this.adopt(temp, sha256);
      return { sha256, size };
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  /** Moves a finished temp file whose sha256 is known into place (an existing blob of that name wins). */
  async adopt(temp: string, sha256: string): Promise<void> {
    const target = this.path(sha256);
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }

  open(sha256: string, start = 0): Readable {
    return createReadStream(this.path(sha256), { start });
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }

  /** Temp files older than `olderThanMs` (transfers that never finished). */
  async sweepTemp(olderThanMs: number, now = Date.now()): Promise<number> {
    const dir = join(this.dir, 'tmp');
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info && now - info.mtimeMs > olderThanMs) {
        await rm(join(dir, name), { force: true, recursive: true });
        removed++;
      }
    }
    return removed;
  }
}
