import { ReleaseError } from './errors';
import { MANIFEST_FILE, parseManifest, sha256Hex, type ReleaseManifest } from './manifest';

/** What a release must be to be installed here; any field left out is not checked. */
export type ReleaseExpectation = Partial<Pick<ReleaseManifest, 'app' | 'version' | 'os' | 'arch'>>;

/**
 * Checks a release's files (path -> bytes, `manifest.json` included) against its manifest: every listed file
 * present with its sha256, nothing unlisted, and the manifest naming the expected app, version, os and arch.
 */
export function checkReleaseContents(
  files: ReadonlyMap<string, Uint8Array>,
  expect: ReleaseExpectation = {},
): ReleaseManifest {
  const manifestBytes = files.get(MANIFEST_FILE);
  if (!manifestBytes) throw new ReleaseError('bad_manifest', `release has no ${MANIFEST_FILE}`);
  const manifest = parseManifest(manifestBytes);
  for (const field of ['app', 'version', 'os', 'arch'] as const) {
    const wanted = expect[field];
    if (wanted !== undefined && manifest[field] !== wanted) {
      throw new ReleaseError(
        'wrong_release',
        `release is for ${field} "${manifest[field]}", expected "${wanted}"`,
      );
    }
  }
  for (const [path, hash] of Object.entries(manifest.files)) {
    const data = files.get(path);
    if (!data) throw new ReleaseError('missing_file', `release file "${path}" is missing`);
    if (sha256Hex(data) !== hash) {
      throw new ReleaseError('checksum_mismatch', `release file "${path}" does not match its sha256`);
    }
  }
  for (const path of files.keys()) {
    if (path !== MANIFEST_FILE && !(path in manifest.files)) {
      throw new ReleaseError('unlisted_file', `release file "${path}" is not in ${MANIFEST_FILE}`);
    }
  }
  return manifest;
}
