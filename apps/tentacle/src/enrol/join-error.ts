/** Why `tentacle join` failed; `code` is stable for tests, the message is for the person at the node. */
export type JoinErrorCode =
  | 'bad_token'
  | 'usage'
  | 'already_enrolled'
  | 'unreachable'
  | 'no_brain_address'
  | 'fingerprint_mismatch'
  | 'untrusted_server'
  | 'refused'
  | 'bad_answer'
  | 'write_failed';

export class JoinError extends Error {
  constructor(
    readonly code: JoinErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JoinError';
  }
}
