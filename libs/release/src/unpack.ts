import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { checkReleaseContents, type ReleaseExpectation } from './contents';
import { ReleaseError } from './errors';
import { releasePathProblem, type ReleaseManifest } from './manifest';

/** Largest unpacked release accepted (a gzip bomb stops here). */
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

/**
 * The files of a release tarball, path -> bytes. Refuses what is not a gzip'd tar, absolute names, `..`, links,
 * devices and fifos, and a name given twice. Directory entries are checked and otherwise ignored; a leading `./`
 * is dropped (as `tar -C dir .` writes it).
 */
export async function readReleaseArchive(bytes: Uint8Array): Promise<Map<string, Buffer>> {
  let tarBytes: Buffer;
  try {
    tarBytes = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw new ReleaseError('bad_archive', `release is not a readable .tar.gz (${(error as Error).message})`);
  }
  const extract = tar.extract();
  extract.end(tarBytes);
  const files = new Map<string, Buffer>();
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      const path = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
      if (type === 'directory') {
        entry.resume();
        if (path === '' || path === '.') continue;
        refuseBadPath(name, path);
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        throw new ReleaseError(
          'bad_archive',
          `release entry "${name}": ${type ?? 'unknown'} entries are not allowed`,
        );
      }
      refuseBadPath(name, path);
      if (files.has(path)) throw new ReleaseError('bad_archive', `release entry "${name}" appears twice`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(path, Buffer.concat(chunks));
    }
  } catch (error) {
    extract.destroy();
    if (error instanceof ReleaseError) throw error;
    throw new ReleaseError('bad_archive', `release is not a readable tar (${(error as Error).message})`);
  }
  return files;
}

function refuseBadPath(name: string, path: string): void {
  const problem = releasePathProblem(path);
  if (problem) throw new ReleaseError('bad_archive', `release entry "${name}": the path ${problem}`);
}

/**
 * Checks a release tarball (see readReleaseArchive, checkReleaseContents) and only then writes it to `destDir`:
 * into a fresh directory next to it, renamed into place at the end, so `destDir` is either the whole release or
 * untouched. An existing `destDir` is replaced. The signature must have been checked before: see verifyRelease.
 */
export async function unpackRelease(
  bytes: Uint8Array,
  destDir: string,
  expect: ReleaseExpectation = {},
): Promise<ReleaseManifest> {
  const files = await readReleaseArchive(bytes);
  const manifest = checkReleaseContents(files, expect);
  const parent = dirname(destDir);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(destDir)}.unpack-${randomBytes(6).toString('hex')}`);
  try {
    for (const [path, data] of files) {
      const target = join(staging, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, data, { mode: 0o644, flag: 'wx' });
    }
    await replaceDir(staging, destDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return manifest;
}

/** Puts `fresh` at `dest`, moving an existing `dest` aside first (a directory cannot be renamed over another). */
async function replaceDir(fresh: string, dest: string): Promise<void> {
  const old = `${fresh}.old`;
  let moved = false;
  try {
    await rename(dest, old);
    moved = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rename(fresh, dest);
  if (moved) await rm(old, { recursive: true, force: true });
}
