import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { WebSocket, type ClientOptions } from 'ws';
import type { ApiRequest, ApiTransport, HttpMethod } from './generated/api';
import { OctopodApiError, parseAddress } from './errors';

export interface HttpsTransportOptions {
  /** `"ip:port"` of the brain's octlFace. */
  address: string;
  /** PEM of the CA that signed the brain's certificate. */
  ca: string | Buffer;
  /** Client certificate and key (PEM) for mTLS; optional when `bearer` is given. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Sent as `Authorization: Bearer <token>`: an API token (`opt_…`, from `POST /api/v2/auth/login`). */
  bearer?: string;
  /** Sent with every request (e.g. `x-workgroup-path`, the caller's current workgroup). */
  headers?: Record<string, string>;
  /** TLS server name to verify; Octopoda's servers all carry `octopoda`. */
  servername?: string;
  /** Whole-request deadline. */
  timeoutMs?: number;
  /** What the server is, for error messages. */
  serverLabel?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

class RequestTimeout extends Error {}
class StaleSocket extends Error {}

export interface StreamOptions {
  /** Aborts the request: the promise rejects with code `aborted`. */
  signal?: AbortSignal;
  /** Decoded UTF-8 text as it arrives (a multi-byte character is never split across calls). */
  onText(text: string): void;
}

/** A request whose body or answer is a byte stream (file transfers), not JSON. */
export interface RawRequest {
  method: HttpMethod;
  /** Path with parameters already substituted and encoded. */
  path: string;
  query?: ApiRequest['query'];
  headers?: Record<string, string>;
  /** Sent as the request body: exactly `length` bytes (the content-length), read with backpressure. */
  body?: { stream: Readable; length: number };
  /** Aborts the request, or the reading of the answer: code `aborted`. */
  signal?: AbortSignal;
}

/** A 2xx answer whose body has not been read: read it to the end, or destroy it. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

/** The part of the transport file transfers need (tests pass fakes). */
export interface RawTransport {
  raw(request: RawRequest): Promise<RawResponse>;
}

/** How much of an error answer is kept for its message. */
const ERROR_BODY_LIMIT = 64 * 1024;

function queryString(query: ApiRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null) continue;
      params.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The first `limit` bytes of a body as text; the rest is read and dropped. */
function readLimited(body: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    body.on('data', (chunk: Buffer) => {
      if (kept >= limit) return;
      chunks.push(chunk.subarray(0, limit - kept));
      kept += Math.min(chunk.length, limit - kept);
    });
    body.on('error', reject);
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function isJson(response: IncomingMessage): boolean {
  return /[/+]json\b/i.test(response.headers['content-type'] ?? '');
}

/** The brain's v2 error body is `{statusCode, code, message}`; anything else still becomes a readable error. */
function errorFromResponse(response: IncomingMessage, text: string): OctopodApiError {
  const status = response.statusCode ?? 0;
  let code = `http_${status}`;
  let message = text.trim().slice(0, 500) || `${status} ${response.statusMessage ?? ''}`.trim();
  let details: Record<string, unknown> = {};
  if (isJson(response)) {
    try {
      const body = JSON.parse(text) as { code?: unknown; message?: unknown; statusCode?: unknown };
      if (typeof body.code === 'string' && body.code) code = body.code;
      if (typeof body.message === 'string' && body.message) message = body.message;
      else if (Array.isArray(body.message)) message = body.message.join('; ');
      const { code: _code, message: _message, statusCode: _status, ...rest } = body;
      details = rest;
    } catch {
      // Keep the raw text as the message.
    }
  }
  return new OctopodApiError(status, code, message, { details });
}

/** JSON over HTTPS to the brain, on one keep-alive agent carrying the TLS identity. */
export class HttpsTransport implements ApiTransport, RawTransport {
  readonly address: string;
  private readonly host: string;
  private readonly port: number;
  private readonly agent: Agent;
  /** Requests with a streamed body get a fresh connection: a stale pooled one could not be retried. */
  private uploads: Agent | undefined;
  private readonly timeoutMs: number;
  private readonly label: string;

  constructor(private readonly options: HttpsTransportOptions) {
    const { host, port } = parseAddress(options.address);
    this.address = options.address;
    this.host = host;
    this.port = port;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.label = options.serverLabel ?? 'brain';
    this.agent = this.newAgent(true);
  }

  async request<T>(request: ApiRequest): Promise<T> {
    try {
      return await this.send<T>(request);
    } catch (error) {
      // A keep-alive socket the server closed while idle fails at once; the request never reached the server.
      if (error instanceof StaleSocket) return this.send<T>(request);
      throw error;
    }
  }

  /**
   * A long-lived `GET` of a `text/event-stream`: resolves when the server ends the response. The timeout covers
   * only the wait for the response head. Rejects with the brain's error for a non-2xx answer, `bad_response`
   * for another content type, `connection_dropped` when the connection breaks mid-stream, `aborted` on abort.
   */
  async stream(path: string, options: StreamOptions): Promise<void> {
    try {
      return await this.openStream(path, options);
    } catch (error) {
      if (error instanceof StaleSocket) return this.openStream(path, options);
      throw error;
    }
  }

  /**
   * A request whose body is a stream of known length, or whose answer is read as a stream. Resolves at the answer's
   * head when it is 2xx, with its body unread; rejects with the brain's error otherwise. A stall of the connection
   * (no bytes either way for the timeout) fails it; an error of the body stream rejects with that error.
   */
  async raw(request: RawRequest): Promise<RawResponse> {
    if (request.body) return this.openRaw(request, (this.uploads ??= this.newAgent(false)));
    try {
      return await this.openRaw(request, this.agent);
    } catch (error) {
      if (error instanceof StaleSocket) return this.openRaw(request, this.agent);
      throw error;
    }
  }

  /** Closes idle keep-alive sockets, so a CLI can exit promptly. */
  close(): void {
    this.agent.destroy();
    this.uploads?.destroy();
  }

  /** A WebSocket to `path` on the brain, with this transport's TLS identity (tunnels). */
  webSocket(path: string): WebSocket {
    const tls: ClientOptions & { servername: string } = {
      ca: this.options.ca,
      cert: this.options.cert,
      key: this.options.key,
      servername: this.options.servername ?? 'octopoda',
      handshakeTimeout: this.timeoutMs,
    };
    return new WebSocket(`wss://${this.host}:${this.port}${path}`, tls);
  }

  private newAgent(keepAlive: boolean): Agent {
    return new Agent({
      keepAlive,
      maxSockets: 16,
      ca: this.options.ca,
      cert: this.options.cert,
      key: this.options.key,
      servername: this.options.servername ?? 'octopoda',
    });
  }

  private send<T>(request: ApiRequest): Promise<T> {
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const headers: Record<string, string | number> = { ...this.options.headers, accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.options.bearer) headers.authorization = `Bearer ${this.options.bearer}`;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = httpsRequest(
        {
          host: this.host,
          port: this.port,
          method: request.method,
          path: request.path + queryString(request.query),
          headers,
          agent: this.agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => settle(() => reject(this.networkError(error))));
          response.on('end', () =>
            settle(() => this.finish<T>(response, Buffer.concat(chunks), resolve, reject)),
          );
        },
      );
      const timer = setTimeout(() => req.destroy(new RequestTimeout()), this.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && error.code === 'ECONNRESET';
        settle(() => reject(stale ? new StaleSocket() : this.networkError(error)));
      });
      req.end(payload);
    });
  }

  private openStream(path: string, options: StreamOptions): Promise<void> {
    const headers: Record<string, string> = {
      ...this.options.headers,
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
    };
    if (this.options.bearer) headers.authorization = `Bearer ${this.options.bearer}`;
    const { signal } = options;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let streaming = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const aborted = (): OctopodApiError =>
        new OctopodApiError(0, 'aborted', `request to ${this.label} at ${this.address} aborted`);
      const onAbort = (): void => {
        settle(() => reject(aborted()));
        req.destroy();
      };
      const dropped = (reason: string): OctopodApiError =>
        new OctopodApiError(
          0,
          'connection_dropped',
          `event stream from ${this.label} at ${this.address} broke: ${reason}`,
        );
      const req = httpsRequest(
        { host: this.host, port: this.port, method: 'GET', path, headers, agent: this.agent },
        (response) => {
          const status = response.statusCode ?? 0;
          const type = response.headers['content-type'] ?? '';
          if (status < 200 || status >= 300 || !/^text\/event-stream\b/i.test(type)) {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', (error) => settle(() => reject(this.networkError(error))));
            response.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const error =
                status >= 200 && status < 300
                  ? new OctopodApiError(
                      status,
                      'bad_response',
                      `${this.label} at ${this.address} answered ${type || 'no content type'}, not an event stream`,
                    )
                  : errorFromResponse(response, text);
              settle(() => reject(error));
            });
            return;
          }
          streaming = true;
          clearTimeout(timer);
          response.setEncoding('utf8');
          response.on('data', (text: string) => {
            if (!settled) options.onText(text);
          });
          response.on('end', () => settle(() => resolve()));
          // 'aborted'/'error' after the head: the server or the network cut the stream.
          response.on('error', (error) => settle(() => reject(dropped(error.message))));
          response.on('close', () => {
            if (!response.complete) settle(() => reject(dropped('connection closed')));
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new RequestTimeout()), this.timeoutMs);
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (streaming) return settle(() => reject(dropped(error.message)));
        const stale = req.reusedSocket && error.code === 'ECONNRESET';
        settle(() => reject(stale ? new StaleSocket() : this.networkError(error)));
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      req.end();
    });
  }

  private openRaw(request: RawRequest, agent: Agent): Promise<RawResponse> {
    const headers: Record<string, string> = { ...this.options.headers, ...request.headers };
    if (request.body) headers['content-length'] = String(request.body.length);
    if (this.options.bearer) headers.authorization = `Bearer ${this.options.bearer}`;
    const { signal, body } = request;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let answer: IncomingMessage | undefined;
      let bodyError: Error | undefined;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        if (!answer) signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const aborted = (): OctopodApiError =>
        new OctopodApiError(0, 'aborted', `request to ${this.label} at ${this.address} aborted`);
      const onAbort = (): void => {
        // After the head, the reader of the body sees the abort as the body's error.
        if (answer) return void answer.destroy(aborted());
        settle(() => reject(aborted()));
        req.destroy();
      };
      const req = httpsRequest(
        {
          host: this.host,
          port: this.port,
          method: request.method,
          path: request.path + queryString(request.query),
          headers,
          agent,
          timeout: this.timeoutMs,
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            // The brain may refuse before it has read the whole body: stop sending, keep its reason.
            body?.stream.unpipe(req);
            readLimited(response, ERROR_BODY_LIMIT)
              .then(
                (text) => settle(() => reject(errorFromResponse(response, text))),
                (error: Error) => settle(() => reject(this.networkError(error))),
              )
              .finally(() => {
                if (body) req.destroy();
              });
            return;
          }
          answer = response;
          if (signal) response.once('close', () => signal.removeEventListener('abort', onAbort));
          settle(() => resolve({ status, headers: response.headers, body: response }));
        },
      );
      // `timeout` is an idle timeout: a long transfer is fine as long as bytes move.
      req.on('timeout', () => req.destroy(new RequestTimeout()));
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (answer) return; // the body's reader sees it
        if (bodyError) return settle(() => reject(bodyError));
        const stale = !body && req.reusedSocket && error.code === 'ECONNRESET';
        settle(() => reject(stale ? new StaleSocket() : this.networkError(error)));
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (!body) return void req.end();
      body.stream.once('error', (error) => {
        bodyError = error;
        req.destroy(error);
      });
      body.stream.pipe(req);
    });
  }

  private finish<T>(
    response: IncomingMessage,
    body: Buffer,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ): void {
    const status = response.statusCode ?? 0;
    const text = body.toString('utf8');
    if (status < 200 || status >= 300) return reject(errorFromResponse(response, text));
    if (body.length === 0) return resolve(undefined as T);
    if (!isJson(response)) return resolve(text as T);
    try {
      resolve(JSON.parse(text) as T);
    } catch (error) {
      reject(
        new OctopodApiError(status, 'bad_response', `${this.label} at ${this.address} sent invalid JSON`, {
          cause: error,
        }),
      );
    }
  }

  private networkError(error: Error): OctopodApiError {
    if (error instanceof RequestTimeout) {
      return new OctopodApiError(
        0,
        'timeout',
        `${this.label} at ${this.address} did not answer within ${this.timeoutMs} ms`,
      );
    }
    return new OctopodApiError(
      0,
      'unreachable',
      `cannot reach ${this.label} at ${this.address}: ${error.message}`,
      {
        cause: error,
      },
    );
  }
}
