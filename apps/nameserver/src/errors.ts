/** Stable machine codes of everything the name server can refuse or fail with. */
export type NameServerErrorCode =
  | 'bad_request'
  | 'invalid_entry'
  | 'no_name'
  | 'entry_not_found'
  | 'not_found'
  | 'payload_too_large'
  | 'store_unavailable'
  | 'internal';

const statusByCode: Record<NameServerErrorCode, number> = {
  bad_request: 400,
  invalid_entry: 400,
  no_name: 400,
  // Octopoda answers a missing entry with 400, not 404; clients depend on it.
  entry_not_found: 400,
  not_found: 404,
  payload_too_large: 413,
  store_unavailable: 500,
  internal: 500,
};

/**
 * The one error type of the HTTP boundary. The wire body stays Octopoda's `{"msg": message}`;
 * the code goes to the logs.
 */
export class NameServerError extends Error {
  readonly status: number;

  constructor(
    readonly code: NameServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NameServerError';
    this.status = statusByCode[code];
  }
}

/** Any thrown value as a NameServerError; unknown failures become 500s without leaking internals. */
export function toNameServerError(error: unknown): NameServerError {
  if (error instanceof NameServerError) return error;
  return new NameServerError('internal', 'internal error', { cause: error });
}
