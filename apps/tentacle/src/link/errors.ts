/** Why a link attempt or session failed; `code` is stable for logs and tests. */
export type LinkErrorCode =
  | 'resolve_failed'
  | 'dial_failed'
  /** The gateway refused this certificate at the upgrade (e.g. not a node certificate): retrying fast cannot help. */
  | 'refused'
  /** The brain revoked this node: only a new enrolment (`tentacle join`) can bring it back. */
  | 'revoked'
  | 'hello_timeout'
  | 'hello_refused'
  | 'heartbeat_timeout'
  | 'closed'
  | 'stopped';

export class LinkError extends Error {
  constructor(
    readonly code: LinkErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LinkError';
  }
}
