import { createReadStream } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import {
  ArchiveRefusedError,
  archiveData,
  emptyStats,
  entryComponents,
  sendArchive,
  type PackStats,
} from './archive';
import { StagingWriter } from './staging-writer';
import { walkContents, walkSource, type SourceEntry } from './walk';

type TarHeader = Partial<tar.Header> & { name: string };
type TarEntry = tar.Extract extends AsyncIterable<infer E> ? E : never;

/** Permission bits only: setuid, setgid and sticky bits are neither packed nor restored. */
const PERMISSIONS = 0o777;

/**
 * Packs `source` (file or directory) as a tar stream into `out`, which is ended when done. Entries are
 * `basename(source)` and `basename(source)/<relative path>`, depth first with sorted siblings, so unchanged content
 * packs to identical bytes. Symlinks are stored as symlinks (never followed); sockets, fifos and devices are skipped.
 * With `contentsOnly`, a directory's entries are packed without it: `<relative path>` (Octopoda's prepare zips the
 * contents of an app's sourcepath).
 */
export async function packTar(
  source: string,
  out: NodeJS.WritableStream,
  options: { contentsOnly?: boolean } = {},
): Promise<PackStats> {
  const pack = tar.pack();
  const stats = emptyStats();
  await sendArchive(
    Readable.from(pack, { objectMode: false }),
    out,
    async () => {
      const entries = options.contentsOnly ? walkContents(source) : walkSource(source);
      for await (const entry of entries) await addEntry(pack, entry, stats);
      pack.finalize();
    },
    (err) => pack.destroy(err),
  );
  return stats;
}

async function addEntry(pack: tar.Pack, entry: SourceEntry, stats: PackStats): Promise<void> {
  const header: TarHeader = {
    name: entry.name,
    mode: entry.stats.mode & PERMISSIONS,
    mtime: entry.stats.mtime,
  };
  switch (entry.kind) {
    case 'dir':
      await addEmpty(pack, { ...header, type: 'directory' });
      stats.directories += 1;
      return;
    case 'symlink':
      await addEmpty(pack, { ...header, type: 'symlink', linkname: await readlink(entry.path) });
      stats.symlinks += 1;
      return;
    case 'file':
      await addFile(pack, { ...header, type: 'file', size: entry.stats.size }, entry.path);
      stats.files += 1;
      stats.bytes += entry.stats.size;
      return;
    case 'special':
      return;
  }
}

function addEmpty(pack: tar.Pack, header: TarHeader): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
}

function addFile(pack: tar.Pack, header: TarHeader, path: string): Promise<void> {
  const size = header.size ?? 0;
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null) => {
      if (err?.message === 'Size mismatch')
        reject(new Error(`cannot pack "${path}": it changed size while packing`));
      else if (err) reject(new Error(`cannot pack "${path}": ${err.message}`));
      else resolve();
    };
    if (size === 0) {
      pack.entry(header, Buffer.alloc(0), done);
      return;
    }
    const sink = pack.entry(header, done);
    const data = createReadStream(path, { end: size - 1 });
    data.on('error', (err) => sink.destroy(err));
    sink.on('close', () => data.destroy());
    data.pipe(asNodeWritable(sink));
  });
}

/** tar-stream's streams are streamx streams: they take Node pipes, but their types do not say so. */
function asNodeWritable(stream: tar.Extract | ReturnType<tar.Pack['entry']>): NodeJS.WritableStream {
  return stream as unknown as NodeJS.WritableStream;
}

/**
 * Extracts a tar stream into `dest`, an existing empty staging directory. Refuses absolute names, '..', hardlinks,
 * devices and fifos, symlinks that resolve outside `dest`, and any entry under a symlink. On refusal the staging
 * directory holds partial output: the caller deletes it. The caller owns `input` and closes it on failure.
 */
export async function extractTar(input: NodeJS.ReadableStream, dest: string): Promise<PackStats> {
  const writer = new StagingWriter(dest);
  const extract = tar.extract();
  let inputError: unknown;
  const onInputError = (err: Error) => {
    inputError = err;
    extract.destroy(err);
  };
  input.on('error', onInputError);
  input.pipe(asNodeWritable(extract));
  try {
    const entries = extract[Symbol.asyncIterator]();
    for (;;) {
      const next = await entries.next().catch((err: Error) => {
        if (err === inputError) throw err;
        throw new ArchiveRefusedError('bad_archive', '', `not a readable tar stream: ${err.message}`);
      });
      if (next.done) break;
      await extractEntry(writer, next.value);
    }
  } catch (err) {
    input.unpipe(asNodeWritable(extract));
    extract.destroy();
    throw inputError ?? err; // a broken input also breaks the entry being read: report the cause
  } finally {
    input.off('error', onInputError);
  }
  return writer.finish();
}

async function extractEntry(writer: StagingWriter, entry: TarEntry): Promise<void> {
  const { name, type, linkname } = entry.header;
  const parts = entryComponents(name);
  const mode = (entry.header.mode ?? 0o644) & PERMISSIONS;
  const mtime = entry.header.mtime ?? new Date();
  switch (type) {
    case 'file':
    case 'contiguous-file':
      return writer.file(name, parts, mode, mtime, archiveData(entry, name));
    case 'directory':
      entry.resume();
      return writer.directory(name, parts, mode, mtime);
    case 'symlink':
      entry.resume();
      return writer.symlink(name, parts, linkname ?? '', mtime);
    case 'link':
      throw new ArchiveRefusedError('hardlink', name, `hardlinks are not allowed (to "${linkname}")`);
    case 'character-device':
    case 'block-device':
    case 'fifo':
      throw new ArchiveRefusedError('special', name, `${type} entries are not allowed`);
    default:
      throw new ArchiveRefusedError('bad_archive', name, `unsupported entry type "${type}"`);
  }
}
