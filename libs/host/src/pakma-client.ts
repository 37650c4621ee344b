import { request } from 'node:http';

/** One request to this host's pakma, as Octopoda's brain and tentacle make them (reference spec §13). */
export interface PakmaRequest {
  command: 'state' | 'install' | 'upgrade' | 'confirm' | 'cancel' | 'downgrade' | 'history' | 'clean';
  version?: string;
  time?: string;
  limit?: number;
}

/** What pakma answered: its HTTP status and body text; status 0 when it could not be reached. */
export interface PakmaAnswer {
  status: number;
  body: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;

/** `state` and `history` are GETs (history with `time` and `limit`), the rest POSTs with the version as a form. */
function httpOf(command: PakmaRequest): { method: string; path: string; form?: string } {
  if (command.command === 'state') return { method: 'GET', path: '/state' };
  if (command.command === 'history') {
    const query = new URLSearchParams({ time: command.time ?? '', limit: String(command.limit ?? 0) });
    return { method: 'GET', path: `/history?${query.toString()}` };
  }
  const form =
    command.version === undefined ? '' : new URLSearchParams({ version: command.version }).toString();
  return { method: 'POST', path: `/${command.command}`, form };
}

/** Asks the pakma at `host:port`; never rejects (an unreachable pakma is status 0 with the reason). */
export function askPakma(
  at: { host: string; port: number },
  command: PakmaRequest,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<PakmaAnswer> {
  const { method, path, form } = httpOf(command);
  return new Promise((resolve) => {
    const req = request(
      {
        host: at.host,
        port: at.port,
        method,
        path,
        timeout: timeoutMs,
        headers: form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (error) => resolve({ status: 0, body: `Pakma request error: ${error.message}` }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, body: `Pakma request error: ${error.message}` }));
    req.end(form);
  });
}
