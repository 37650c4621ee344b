import { get as httpGet } from 'node:http';
import { OctopodApiError, parseAddress } from './errors';

export interface NameServerAddress {
  host: string;
  /** The name server's plain-HTTP port (Octopoda: HTTPS port + 1), which serves `/query`. */
  httpPort: number;
}

export interface ResolveBrainOptions {
  nameServer: NameServerAddress;
  brainName: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

interface RawAnswer {
  status: number;
  text: string;
}

function getText(url: string, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Asks the name server where the brain's API is: `GET /query?name=<brain>.octlFace.request` on its HTTP port,
 * answered `{"msg":"OK","entry":{"value":"ip:port",...}}`, or 400 `{"msg":"redis: nil"}` when nothing is registered.
 */
export async function resolveBrainAddress(options: ResolveBrainOptions): Promise<string> {
  const { host, httpPort } = options.nameServer;
  const where = `${host.includes(':') ? `[${host}]` : host}:${httpPort}`;
  const key = `${options.brainName}.octlFace.request`;
  let answer: RawAnswer;
  try {
    answer = await getText(
      `http://${where}/query?name=${encodeURIComponent(key)}`,
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new OctopodApiError(
      0,
      'name_server_unreachable',
      `cannot reach name server at ${where}: ${reason}`,
      {
        cause: error,
      },
    );
  }
  const body = parseJson(answer.text);
  const entry = body?.entry as { value?: unknown } | undefined;
  if (answer.status === 200 && typeof entry?.value === 'string') {
    parseAddress(entry.value); // refuses a malformed registration here rather than at connect time
    return entry.value;
  }
  const msg = typeof body?.msg === 'string' ? body.msg : answer.text.trim().slice(0, 200);
  if (answer.status === 400 && /redis: nil|not found/i.test(msg)) {
    throw new OctopodApiError(
      answer.status,
      'brain_not_registered',
      `name server at ${where} has no entry ${key} (is brain "${options.brainName}" running and registered?)`,
    );
  }
  throw new OctopodApiError(
    answer.status,
    'name_server_error',
    `name server at ${where} answered ${answer.status} to ${key}${msg ? `: ${msg}` : ''}`,
  );
}
