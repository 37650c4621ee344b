import type { ChunkSource } from '@octopod/protocol';
import { FileChunkSource } from '@octopod/protocol';

/** Chunks kept per blob: senders to several nodes that run close together are fed from one read. */
const CACHED_CHUNKS = 16;

interface OpenBlob {
  file: FileChunkSource;
  users: number;
  cache: Map<string, Promise<Buffer>>;
}

/**
 * One open file per blob however many nodes it is being sent to, with the most recent chunks cached: the first
 * sender to ask for a chunk reads it, the others get the same buffer. Memory stays at most CACHED_CHUNKS chunks
 * per blob being sent.
 */
export class SharedBlobSources {
  private readonly open = new Map<string, Promise<OpenBlob>>();

  /** A source for one sender; call `release` when its transfer is over. */
  async acquire(sha256: string, path: string): Promise<ChunkSource & { release(): Promise<void> }> {
    let opening = this.open.get(sha256);
    if (!opening) {
      opening = FileChunkSource.open(path).then((file) => ({ file, users: 0, cache: new Map() }));
      this.open.set(sha256, opening);
      opening.catch(() => this.open.delete(sha256));
    }
    const blob = await opening;
    blob.users++;
    let released = false;
    return {
      size: blob.file.size,
      read: (offset, length) => this.read(blob, offset, length),
      release: async () => {
        if (released) return;
        released = true;
        if (--blob.users > 0) return;
        this.open.delete(sha256);
        blob.cache.clear();
        await blob.file.close();
      },
    };
  }

  /** Blobs open right now (for tests and metrics). */
  get openBlobs(): number {
    return this.open.size;
  }

  private read(blob: OpenBlob, offset: number, length: number): Promise<Buffer> {
    const key = `${offset}:${length}`;
    let chunk = blob.cache.get(key);
    if (!chunk) {
      chunk = blob.file.read(offset, length);
      blob.cache.set(key, chunk);
      chunk.catch(() => blob.cache.delete(key));
      if (blob.cache.size > CACHED_CHUNKS) blob.cache.delete(blob.cache.keys().next().value as string);
    }
    return chunk;
  }
}
