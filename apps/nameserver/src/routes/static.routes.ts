import { constants, createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { NameServerError } from '../errors';
import { HTTPS_ONLY, type Fallback } from '../http/router';
import { contentTypeOf, resolveStaticPath, type StaticMount } from '../static/static-path';

/** The `staticDir` trees (pakma release downloads), HTTPS only; files only, no listings. */
export function staticFallback(mounts: readonly StaticMount[]): Fallback {
  return {
    faces: HTTPS_ONLY,
    async handle({ res, method, path }) {
      if (method !== 'GET' && method !== 'HEAD') return false;
      const lookup = resolveStaticPath(mounts, path);
      if (lookup.kind === 'unmounted') return false;
      if (lookup.kind === 'refused') throw new NameServerError('not_found', 'not found');
      // Opening first and stat-ing the handle serves exactly the file that was checked.
      const { handle, size, mtime } = await openRegularFile(lookup.filePath);
      res.writeHead(200, {
        'Content-Type': contentTypeOf(lookup.filePath),
        'Content-Length': size,
        'Last-Modified': mtime.toUTCString(),
      });
      if (method === 'HEAD') {
        await handle.close();
        res.end();
        return true;
      }
      try {
        await pipeline(createReadStream(lookup.filePath, { fd: handle }), res);
      } catch {
        // The client went away or the disk failed mid-file; the length no longer holds, so drop the socket.
        res.destroy();
      }
      return true;
    },
  };
}

async function openRegularFile(filePath: string): Promise<{ handle: FileHandle; size: number; mtime: Date }> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO planted in the tree must not hang the open.
    handle = await open(filePath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    throw new NameServerError('not_found', 'not found');
  }
  const stats = await handle.stat().catch(() => undefined);
  if (!stats?.isFile()) {
    await handle.close();
    throw new NameServerError('not_found', 'not found');
  }
  return { handle, size: stats.size, mtime: stats.mtime };
}
