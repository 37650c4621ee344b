/** `octopod-<app>_v<version>_<os>_<arch>.tar.gz`: the file the name server serves under `/release/`. */
export function releaseFileName(
  app: string,
  version: string,
  os: string = process.platform,
  arch: string = process.arch,
): string {
  return `octopod-${app}_v${version}_${os}_${arch}.tar.gz`;
}

/** The detached signature next to a release: base64 of the raw Ed25519 signature over the tarball's bytes. */
export function signatureFileName(releaseFile: string): string {
  return `${releaseFile}.sig`;
}
