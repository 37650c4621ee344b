/** Why a link attempt or session failed; `code` is stable for logs and tests. */
export type LinkErrorCode =
  | 'resolve_failed'
  | 'dial_failed'
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
