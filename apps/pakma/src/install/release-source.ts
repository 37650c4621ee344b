import { signatureFileName } from '@octopod/release';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../atomic-write';
import { download, type DownloadOptions } from './download';

/** A release tarball and its signature text (undefined: there is none). */
export interface FetchedRelease {
  bytes: Buffer;
  signature: string | undefined;
  /** Where it came from, for messages. */
  origin: 'cache' | 'name server';
}

export interface ReleaseSource {
  fetch(file: string): Promise<FetchedRelease>;
  /** Keeps a release that verified, so the next install of it needs no download. */
  keep(file: string, release: FetchedRelease): Promise<void>;
  /** Drops a cached release (it did not verify), so the next attempt downloads it again. */
  forget(file: string): Promise<void>;
}

/**
 * `<cacheDir>/<file>` and `<file>.sig` when both are there (a copy put there by hand installs offline too), else
 * `https://<name server>/release/<file>` and `<file>.sig`. A missing signature is not an error here: the caller
 * refuses an unsigned release.
 */
export function cachedNameServerSource(cacheDir: string, options: DownloadOptions): ReleaseSource {
  const cached = (file: string) => join(cacheDir, file);
  return {
    async fetch(file) {
      const fromCache = await readCached(cached(file));
      if (fromCache) return { ...fromCache, origin: 'cache' };
      const tarball = await download(`/release/${encodeURIComponent(file)}`, options);
      if (tarball.notFound) throw new Error(`release ${file} is not on the name server (404)`);
      const signature = await download(`/release/${encodeURIComponent(signatureFileName(file))}`, options);
      return {
        bytes: tarball.body,
        signature: signature.notFound ? undefined : signature.body.toString('utf8'),
        origin: 'name server',
      };
    },
    async keep(file, release) {
      if (release.origin === 'cache' || release.signature === undefined) return;
      await writeAtomically(cached(signatureFileName(file)), release.signature);
      await writeAtomically(cached(file), release.bytes);
    },
    async forget(file) {
      await rm(cached(file), { force: true });
      await rm(cached(signatureFileName(file)), { force: true });
    },
  };
}

async function readCached(path: string): Promise<{ bytes: Buffer; signature: string } | undefined> {
  try {
    const [bytes, signature] = await Promise.all([readFile(path), readFile(signatureFileName(path), 'utf8')]);
    return { bytes, signature };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
