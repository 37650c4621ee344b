import { get } from 'node:http';
import { parseAddress, type BrainAddress } from './address';
import { LinkError } from './errors';

/** Finds the brain gateway; called before every connection attempt. */
export type Resolver = (signal?: AbortSignal) => Promise<BrainAddress>;

export interface NameServerLocation {
  host: string;
  /** The name server's plain-HTTP port (only `/ping` and `/query` live there). */
  httpPort: number;
  brainName: string;
  /** Which of the brain's entries: its tentacle gateway (default) or its API (`octlFace.request`, for enrolment). */
  entry?: 'tentacleFace.message' | 'octlFace.request';
  timeoutMs?: number;
}

export function staticResolver(address: BrainAddress): Resolver {
  return async () => ({ ...address });
}

/**
 * Asks the name server for `<brain>.tentacleFace.message` (or the entry named), answered
 * `{"msg":"OK","entry":{"value":"ip:port"}}`.
 */
export function nameServerResolver(location: NameServerLocation): Resolver {
  const key = `${location.brainName}.${location.entry ?? 'tentacleFace.message'}`;
  const url = `http://${location.host.includes(':') ? `[${location.host}]` : location.host}:${location.httpPort}/query?name=${encodeURIComponent(key)}`;
  return async (signal) => {
    const { status, text } = await httpGet(url, location.timeoutMs ?? 5000, signal);
    let answer: { msg?: unknown; entry?: { value?: unknown } };
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      throw new LinkError('resolve_failed', `name server ${url} answered ${status} with non-JSON`);
    }
    if (status !== 200 || answer.msg !== 'OK') {
      throw new LinkError(
        'resolve_failed',
        `name server has no ${key}: ${status} ${String(answer.msg ?? '')}`.trim(),
      );
    }
    const address = typeof answer.entry?.value === 'string' ? parseAddress(answer.entry.value) : null;
    if (!address) throw new LinkError('resolve_failed', `name server entry ${key} is not "ip:port"`);
    return address;
  };
}

function httpGet(
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: timeoutMs, signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // An entry is tiny; anything large is not a name server.
        if (size > 64 * 1024) request.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', (error) =>
        reject(new LinkError('resolve_failed', `name server ${url}: ${error.message}`)),
      );
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) =>
      reject(new LinkError('resolve_failed', `name server ${url}: ${error.message}`)),
    );
  });
}
