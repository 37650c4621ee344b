import { readFileSync } from 'node:fs';
import { request } from 'node:https';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
}

export interface ApiOptions {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** `cert` (default): the admin client certificate; `{bearer}`: a token and no certificate; `none`: neither. */
  auth?: 'cert' | 'none' | { bearer: string };
}

/** One HTTPS request with JSON in and out; the client certificate is sent unless `auth` says otherwise. */
export function httpsJson<T>(
  url: string,
  options: ApiOptions,
  tls: { ca: string; cert: string; key: string },
): Promise<ApiResponse<T>> {
  const auth = options.auth ?? 'cert';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (typeof auth === 'object') headers.authorization = `Bearer ${auth.bearer}`;
  return new Promise((resolveResponse, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        ca: readFileSync(tls.ca),
        ...(auth === 'cert' ? { cert: readFileSync(tls.cert), key: readFileSync(tls.key) } : {}),
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = (res.headers['content-type'] ?? '').includes('json');
          let body: unknown = text;
          if (isJson && text) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body: body as T });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
