/** Stable codes of what the HTTP face refuses before the state machine sees a request. */
export type HttpErrorCode = 'bad_request' | 'not_found' | 'payload_too_large';

const statusByCode: Record<HttpErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  payload_too_large: 413,
};

/** The HTTP boundary's error; the wire body stays Octopoda's `{"msg": message}`. */
export class HttpError extends Error {
  readonly status: number;

  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = statusByCode[code];
  }
}
