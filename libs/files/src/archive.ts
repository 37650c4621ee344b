import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a pack or an extraction handled. `bytes` counts file data only. */
export interface PackStats {
  files: number;
  directories: number;
  symlinks: number;
  bytes: number;
}

export function emptyStats(): PackStats {
  return { files: 0, directories: 0, symlinks: 0, bytes: 0 };
}

export type ArchiveRefusal =
  'traversal' | 'absolute' | 'link_escape' | 'hardlink' | 'special' | 'bad_archive';

/** An archive we will not extract. The staging directory holds partial output: the caller deletes it. */
export class ArchiveRefusedError extends Error {
  constructor(
    readonly code: ArchiveRefusal,
    readonly entry: string,
    message: string,
  ) {
    super(entry === '' ? message : `entry "${entry}": ${message}`);
    this.name = 'ArchiveRefusedError';
  }
}

/** Refuses an entry name that is absolute or climbs out; returns its components without '.' and empty ones. */
export function entryComponents(name: string): string[] {
  if (name.includes('\0')) throw new ArchiveRefusedError('bad_archive', name, 'name contains a NUL byte');
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) {
    throw new ArchiveRefusedError('absolute', name, 'absolute names are not allowed');
  }
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw new ArchiveRefusedError('traversal', name, "'..' is not allowed in names");
  return parts;
}

/** Wraps errors of an archive's data stream (truncation, bad CRC) as bad_archive; disk errors stay as they are. */
export async function* archiveData(data: AsyncIterable<unknown>, entry: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of data) yield chunk as Uint8Array;
  } catch (err) {
    throw new ArchiveRefusedError('bad_archive', entry, `data unreadable: ${(err as Error).message}`);
  }
}

/**
 * Streams `archive` into `out` (ending it) while `produce` adds the entries. On failure, `abort` tears the archive
 * down, and the error reported is `out`'s when it failed first rather than the archive's "destroyed" that follows.
 */
export async function sendArchive(
  archive: Readable,
  out: NodeJS.WritableStream,
  produce: () => Promise<void>,
  abort: (err: Error) => void,
): Promise<void> {
  const sending = pipeline(archive, out);
  sending.catch(() => undefined); // awaited below; this only keeps an early failure from counting as unhandled
  try {
    await produce();
  } catch (err) {
    abort(err as Error);
    throw await sending.then(
      () => err,
      (sendError: unknown) => sendError,
    );
  }
  await sending;
}
