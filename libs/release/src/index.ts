export { ReleaseError, type ReleaseErrorCode } from './errors';
export { compareVersions, versionProblem } from './version';
export { releaseFileName, signatureFileName } from './release-name';
export {
  MANIFEST_FILE,
  manifestSchema,
  parseManifest,
  releasePathProblem,
  sha256Hex,
  type ReleaseManifest,
} from './manifest';
export {
  checkReleasePublicKey,
  generateReleaseKeys,
  signRelease,
  verifyRelease,
  type ReleaseKeys,
} from './signature';
export { packRelease, type ManifestInput, type PackedRelease, type ReleaseFile } from './pack';
export { checkReleaseContents, type ReleaseExpectation } from './contents';
export { readReleaseArchive, unpackRelease } from './unpack';
export { verifyReleaseDir } from './release-dir';
export { appVersion } from './app-version';
