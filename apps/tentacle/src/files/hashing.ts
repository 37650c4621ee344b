import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Digest {
  size: number;
  sha256: string;
}

/** Counts and hashes what passes through. */
class HashingTap extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  digest(): Digest {
    return { size: this.bytes, sha256: this.hash.digest('hex') };
  }
}

/** Size and sha256 of a file, read once as a stream. */
export async function hashFile(path: string): Promise<Digest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const block of createReadStream(path)) {
    hash.update(block as Buffer);
    size += (block as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/**
 * Runs `pack`, which writes a stream into the writable it is given and ends it, into `file`, hashing on the way.
 * On failure the file is removed.
 */
export async function packToFile(
  file: string,
  pack: (out: NodeJS.WritableStream) => Promise<unknown>,
): Promise<Digest> {
  const tap = new HashingTap();
  const writing = pipeline(tap, createWriteStream(file, { mode: 0o600 }));
  try {
    await Promise.all([pack(tap), writing]);
  } catch (error) {
    tap.destroy();
    await writing.catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
  return tap.digest();
}
