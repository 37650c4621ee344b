import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { ReleaseError } from './errors';
import { MANIFEST_FILE, manifestSchema, sha256Hex, type ReleaseManifest } from './manifest';

export interface ReleaseFile {
  /** Relative path inside the release (`tentacle.js`, `lib/x.js`). */
  path: string;
  data: Uint8Array;
}

/** The manifest minus what packing fills in: the files' hashes, and `createdAt` (default now). */
export type ManifestInput = Omit<ReleaseManifest, 'files' | 'createdAt'> & { createdAt?: string };

export interface PackedRelease {
  bytes: Buffer;
  manifest: ReleaseManifest;
}

/**
 * A release tarball (gzip'd tar): `manifest.json` first, then the files sorted by path, all with the manifest's
 * `createdAt` as mtime, mode 0644 and no owner, so the same input packs to the same bytes.
 */
export async function packRelease(input: {
  files: readonly ReleaseFile[];
  manifest: ManifestInput;
}): Promise<PackedRelease> {
  const files = [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hashes: Record<string, string> = {};
  for (const file of files) {
    if (file.path in hashes) throw new ReleaseError('bad_manifest', `file "${file.path}" is given twice`);
    hashes[file.path] = sha256Hex(file.data);
  }
  const parsed = manifestSchema.safeParse({
    ...input.manifest,
    createdAt: input.manifest.createdAt ?? new Date().toISOString(),
    files: hashes,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
    );
    throw new ReleaseError('bad_manifest', `cannot pack the release: ${issues.join('; ')}`);
  }
  const manifest = parsed.data;
  const mtime = new Date(manifest.createdAt);
  const entries: ReleaseFile[] = [
    { path: MANIFEST_FILE, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    ...files,
  ];
  const tarBytes = await tarOf(entries, mtime);
  return { bytes: gzipSync(tarBytes, { level: 9 }), manifest };
}

async function tarOf(entries: readonly ReleaseFile[], mtime: Date): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        { name: entry.path, mode: 0o644, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
        Buffer.from(entry.data),
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}
