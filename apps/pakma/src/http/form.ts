import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

/** Largest request body accepted: a form with a version number. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Fields of a urlencoded, multipart or JSON-object body, as gin's `PostForm` reads them. */
export async function readForm(req: IncomingMessage): Promise<Map<string, string>> {
  const body = await readBody(req);
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) return multipartFields(body, type);
  if (type.includes('application/json')) return jsonFields(body.toString('utf8'));
  return new Map(new URLSearchParams(body.toString('utf8')));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        refused = true;
        reject(new HttpError('payload_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`));
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function jsonFields(text: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError('bad_request', 'invalid JSON body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError('bad_request', 'body must be a JSON object');
  }
  return new Map(
    Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The plain fields of a multipart/form-data body (file parts are skipped). */
function multipartFields(body: Buffer, contentType: string): Map<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new HttpError('bad_request', 'multipart body without a boundary');
  const fields = new Map<string, string>();
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary[1] ?? boundary[2]}`).slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers);
    if (!name || /\bfilename=/i.test(headers)) continue;
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    fields.set(name[1], Buffer.from(value, 'latin1').toString('utf8'));
  }
  return fields;
}
