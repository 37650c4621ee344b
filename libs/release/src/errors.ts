/** Stable machine codes of everything a release can be refused for. */
export type ReleaseErrorCode =
  | 'not_signed'
  | 'bad_signature'
  | 'bad_key'
  | 'bad_archive'
  | 'bad_manifest'
  | 'checksum_mismatch'
  | 'missing_file'
  | 'unlisted_file'
  | 'wrong_release';

/** A release we will not trust or install; `message` says why in words an operator can act on. */
export class ReleaseError extends Error {
  constructor(
    readonly code: ReleaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}
