import { listTree, packTar, packZip, type TreeEntry } from '@octopod/files';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PassThrough } from 'node:stream';
import { ApiError } from '../../core/http/api-error';
import type { BlobService } from './blob.service';
import type { PulledFile } from './pull.delivery';

/** `path` on the brain itself, as a tree (Octopoda's `/file/tree?name=brain`). */
export async function brainTree(path: string, hidden: boolean): Promise<TreeEntry[]> {
  await mustExist(path);
  return listTree(path, { hidden });
}

/**
 * A file or directory on the brain as a blob (what a pull from a node gives): a file is stored as itself, a
 * directory as a tar, or either as Octopoda's zip under `zipPrefix`.
 */
export async function brainPull(
  blobs: BlobService,
  path: string,
  format: 'auto' | 'zip',
  zipPrefix: string | null,
): Promise<PulledFile> {
  const info = await mustExist(path);
  const type = info.isDirectory() ? 'dir' : 'file';
  const name = basename(path);
  const mode = info.mode & 0o7777;
  if (format === 'auto' && type === 'file') {
    const blob = await blobs.upload(createReadStream(path));
    return { blob: blob.sha256, size: blob.size, format: 'file', type, name, mode };
  }
  const pipe = new PassThrough();
  const packing = format === 'zip' ? packZip(path, pipe, { prefix: zipPrefix ?? '' }) : packTar(path, pipe);
  const [blob] = await Promise.all([blobs.upload(pipe), packing]);
  return { blob: blob.sha256, size: blob.size, format: format === 'zip' ? 'zip' : 'tar', type, name, mode };
}

/** The path exists and is a plain file or directory (no link to follow, no device or pipe to read forever). */
async function mustExist(path: string) {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw ApiError.notFound('path_not_found', `file or path not found: ${path}`);
  if (!info.isFile() && !info.isDirectory()) {
    throw new ApiError(400, 'path_refused', `${path} is not a plain file or directory`);
  }
  return info;
}
