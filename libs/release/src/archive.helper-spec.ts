// Test-only: builds tarballs by hand, including ones packRelease would never make.
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface RawEntry {
  name: string;
  data?: string | Buffer;
  type?: tar.Header['type'];
  linkname?: string;
}

export async function rawTarGz(entries: readonly RawEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const data = type === 'file' ? Buffer.from(entry.data ?? '') : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: entry.name, type, linkname: entry.linkname, mode: 0o644 }, data, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}
