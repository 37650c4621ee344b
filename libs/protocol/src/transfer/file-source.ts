import { open, type FileHandle } from 'node:fs/promises';
import type { ChunkSource } from './chunk-sender';

/** Reads chunks from one file; `close` when the transfer is over. */
export class FileChunkSource implements ChunkSource {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<FileChunkSource> {
    const handle = await open(path, 'r');
    try {
      return new FileChunkSource(handle, (await handle.stat()).size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new Error(`file ended at ${offset + done} of ${this.size} bytes`);
      done += bytesRead;
    }
    return buffer;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
