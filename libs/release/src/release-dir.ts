import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkReleaseContents, type ReleaseExpectation } from './contents';
import { ReleaseError } from './errors';
import type { ReleaseManifest } from './manifest';

/**
 * Checks a release already unpacked in `dir` against its own `manifest.json` (hashes, nothing missing or
 * unlisted, regular files only) and the expectation. Resolves with the manifest; throws ReleaseError.
 */
export async function verifyReleaseDir(
  dir: string,
  expect: ReleaseExpectation = {},
): Promise<ReleaseManifest> {
  const files = new Map<string, Buffer>();
  await collect(dir, '', files);
  return checkReleaseContents(files, expect);
}

async function collect(root: string, prefix: string, files: Map<string, Buffer>): Promise<void> {
  for (const name of await readdir(join(root, prefix))) {
    const path = prefix ? `${prefix}/${name}` : name;
    const stats = await lstat(join(root, path));
    if (stats.isDirectory()) await collect(root, path, files);
    else if (stats.isFile()) files.set(path, await readFile(join(root, path)));
    else throw new ReleaseError('unlisted_file', `"${path}" in the installed release is not a regular file`);
  }
}
