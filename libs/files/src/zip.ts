import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import {
  ArchiveRefusedError,
  archiveData,
  emptyStats,
  entryComponents,
  sendArchive,
  type PackStats,
} from './archive';
import { isInside } from './path-variables';
import { StagingWriter } from './staging-writer';
import { walkSource, type SourceEntry } from './walk';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const PERMISSIONS = 0o777;
const UNIX_HOSTS = new Set([3, 19]); // "made by" Unix or macOS: external attributes carry a Unix mode
const MAX_LINK_TARGET = 4096;

export interface PackZipOptions {
  /** Folder every entry goes under, e.g. '123.wrap'; '' (the default) for none. */
  prefix?: string;
}

/**
 * Zips `source` (file or directory) into `out`, which is ended when done, as `<prefix>/<basename>/…`. Directories
 * get explicit entries; modes travel in the Unix external attributes. Zip has no symlink Go's reader follows, so a
 * symlink whose target is a file inside `source` is stored as a copy of that file, and any other symlink is skipped.
 */
export async function packZip(
  source: string,
  out: NodeJS.WritableStream,
  options: PackZipOptions = {},
): Promise<PackStats> {
  const prefix = zipPrefix(options.prefix ?? '');
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable; // a PassThrough, whatever the typings say
  zip.on('error', (err: Error) => output.destroy(err));
  const stats = emptyStats();
  const produce = async () => {
    const root = await realpath(source);
    for await (const entry of walkSource(source)) {
      await addEntry(zip, output, entry, `${prefix}${entry.name}`, root, stats);
    }
    zip.end();
  };
  await sendArchive(output, out, produce, (err) => output.destroy(err));
  return stats;
}

function zipPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  if (trimmed.split('/').includes('..')) throw new Error(`zip prefix "${prefix}" must not contain '..'`);
  return `${trimmed}/`;
}

async function addEntry(
  zip: yazl.ZipFile,
  output: Readable,
  entry: SourceEntry,
  name: string,
  root: string,
  stats: PackStats,
): Promise<void> {
  if (entry.kind === 'dir') {
    zip.addEmptyDirectory(name, {
      mtime: entry.stats.mtime,
      mode: S_IFDIR | (entry.stats.mode & PERMISSIONS),
    });
    stats.directories += 1;
    return;
  }
  let { path, stats: fileStats } = entry;
  if (entry.kind === 'symlink') {
    const target = await realpath(entry.path).catch(() => undefined);
    if (target === undefined || !isInside(root, target)) return;
    [path, fileStats] = [target, await stat(target)];
  }
  if (!fileStats.isFile()) return;
  const { size, mtime } = fileStats;
  const mode = S_IFREG | (fileStats.mode & PERMISSIONS);
  if (size === 0) {
    zip.addBuffer(Buffer.alloc(0), name, { mtime, mode });
  } else {
    zip.addReadStreamLazy(name, { mtime, mode, size }, (open) => {
      const data = createReadStream(path, { end: size - 1 });
      data.on('error', (err) => output.destroy(err)); // yazl does not listen for its streams' errors
      open(null, data);
    });
  }
  stats.files += 1;
  stats.bytes += size;
}

/**
 * Extracts the zip at `file` into `dest`, an existing empty staging directory, with extractTar's refusals. Unix
 * symlink entries become symlinks if they stay inside `dest`. On refusal the caller deletes the staging directory.
 */
export async function extractZip(file: string, dest: string): Promise<PackStats> {
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  const zip = await yauzl.openPromise(file, options).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== undefined) throw err;
    throw new ArchiveRefusedError('bad_archive', '', `not a readable zip file: ${err.message}`);
  });
  const writer = new StagingWriter(dest);
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip))
      await extractEntry(zip, entry, writer);
  } finally {
    zip.close();
  }
  return writer.finish();
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (done: () => void) => () => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      done();
    };
    const onEntry = (entry: yauzl.Entry) => settle(() => resolve(entry))();
    const onEnd = settle(() => resolve(undefined));
    const onError = (err: Error) =>
      settle(() =>
        reject(new ArchiveRefusedError('bad_archive', '', `not a readable zip file: ${err.message}`)),
      )();
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

async function extractEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, writer: StagingWriter): Promise<void> {
  const name = yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    false,
  );
  const parts = entryComponents(name);
  if (entry.isEncrypted())
    throw new ArchiveRefusedError('bad_archive', name, 'encrypted entries are not supported');
  const { kind, mode } = entryKind(entry, name);
  const mtime = entry.getLastModDate();
  if (kind === 'dir') return writer.directory(name, parts, mode, mtime);
  if (kind === 'special')
    throw new ArchiveRefusedError('special', name, 'device, fifo and socket entries are not allowed');
  if (kind === 'symlink' && entry.uncompressedSize > MAX_LINK_TARGET) {
    throw new ArchiveRefusedError('bad_archive', name, `symlink target longer than ${MAX_LINK_TARGET} bytes`);
  }
  const stream = await openData(zip, entry, name);
  try {
    const data = archiveData(stream, name);
    if (kind === 'file') return await writer.file(name, parts, mode, mtime, data);
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) chunks.push(chunk);
    return await writer.symlink(name, parts, Buffer.concat(chunks).toString('utf8'), mtime);
  } finally {
    stream.destroy(); // releases the zip's file descriptor when a refusal left the data unread
  }
}

function entryKind(
  entry: yauzl.Entry,
  name: string,
): { kind: 'dir' | 'file' | 'symlink' | 'special'; mode: number } {
  const unixMode = UNIX_HOSTS.has(entry.versionMadeBy >> 8) ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  const msdosDirectory = unixMode === 0 && (entry.externalFileAttributes & 0x10) !== 0;
  if (name.endsWith('/') || type === S_IFDIR || msdosDirectory) {
    return { kind: 'dir', mode: unixMode === 0 ? 0o755 : unixMode & PERMISSIONS };
  }
  if (type === S_IFLNK) return { kind: 'symlink', mode: 0 };
  if (type !== 0 && type !== S_IFREG) return { kind: 'special', mode: 0 };
  return { kind: 'file', mode: unixMode === 0 ? 0o644 : unixMode & PERMISSIONS };
}

async function openData(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<Readable> {
  return zip.openReadStreamPromise(entry).catch((err: Error) => {
    throw new ArchiveRefusedError('bad_archive', name, `data unreadable: ${err.message}`);
  });
}
