import type { IncomingMessage } from 'node:http';
import { NameServerError } from '../errors';

/** Largest request body accepted; `/register` batches are a few hundred bytes per entry. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Collects the request body, refusing (413) anything over `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  // Plain listeners, not `for await`: leaving that loop early would destroy the socket before the 413 is sent.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const raw = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new NameServerError('bad_request', 'invalid JSON body');
  }
}

/**
 * Fields of a urlencoded or JSON-object body (Octopoda's `GetPostForm`). Anything that is not JSON
 * is read as urlencoded, like a form post without a content type.
 */
export async function readFormFields(req: IncomingMessage): Promise<Map<string, string>> {
  const raw = (await readBody(req)).toString('utf8');
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('application/json')) return jsonFields(raw);
  return new Map(new URLSearchParams(raw));
}

function jsonFields(raw: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new NameServerError('bad_request', 'invalid JSON body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NameServerError('bad_request', 'body must be a JSON object');
  }
  const fields = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') fields.set(name, value);
  }
  return fields;
}

function tooLarge(limit: number): NameServerError {
  return new NameServerError('payload_too_large', `request body exceeds ${limit} bytes`);
}
