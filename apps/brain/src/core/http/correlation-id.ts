import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'x-correlation-id';
/** A caller's own id is kept when it is short and plain; anything else is replaced. */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id: the caller's `x-correlation-id` or a new one, set once as `req.id` (where the HTTP
 * logger reads it) and echoed in the response header, so logs, the audit trail and the client share one id.
 */
export function correlationIdOf(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const given = req.headers[CORRELATION_HEADER];
  const id = typeof given === 'string' && ACCEPTED.test(given) ? given : randomUUID();
  req.id = id;
  if (!res.headersSent) res.setHeader(CORRELATION_HEADER, id);
  return id;
}
