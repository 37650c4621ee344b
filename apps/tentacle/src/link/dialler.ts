import { DEFAULT_MAX_PAYLOAD_BYTES, REFUSAL_HEADER, UpgradeRefusal } from '@octopod/protocol';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { gatewayUrl, type BrainAddress } from './address';
import { LinkError } from './errors';

/** PEM material for mutual TLS. */
export interface TlsMaterial {
  ca: string | Buffer;
  cert: string | Buffer;
  key: string | Buffer;
}

/** Every server certificate carries this SAN, whatever host it runs on (Octopoda's clients verify it too). */
export const BRAIN_SERVER_NAME = 'octopoda';

export interface DialOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface OpenSocket {
  socket: WebSocket;
  /** Our local IP on this connection (reported as the node's `addr`). */
  localAddress: string;
}

/** Opens `wss://host:port/tentacle` with the client certificate; resolves once the upgrade succeeded. */
export function dial(address: BrainAddress, tls: TlsMaterial, options: DialOptions): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new LinkError('stopped', 'stopped before dialling'));
    // ws hands every option on to tls.connect, including `servername` (absent from its typings).
    const clientOptions: WebSocket.ClientOptions & { servername: string } = {
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      servername: BRAIN_SERVER_NAME,
      maxPayload: DEFAULT_MAX_PAYLOAD_BYTES,
      handshakeTimeout: options.timeoutMs,
      perMessageDeflate: false,
    };
    const socket = new WebSocket(gatewayUrl(address), clientOptions);
    let localAddress = '';
    const cleanup = () => {
      socket.off('open', onOpen);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('unexpected-response', onUnexpected);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: LinkError) => {
      cleanup();
      // Keep a late 'error' from crashing the process once our listener is gone.
      socket.on('error', () => undefined);
      socket.terminate();
      reject(error);
    };
    const onOpen = () => {
      cleanup();
      resolve({ socket, localAddress });
    };
    const onError = (error: Error) => fail(new LinkError('dial_failed', error.message));
    const onClose = (code: number) => fail(new LinkError('dial_failed', `closed during handshake (${code})`));
    const onUnexpected = (_request: unknown, response: IncomingMessage) =>
      void refusalOf(response).then(fail);
    const onAbort = () => fail(new LinkError('stopped', 'stopped while dialling'));
    socket.once('upgrade', (response) => (localAddress = response.socket.localAddress ?? ''));
    socket.on('open', onOpen);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('unexpected-response', onUnexpected);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Longest refusal message kept from the gateway's answer. */
const MAX_REFUSAL_BYTES = 4096;

/** What a non-101 answer to the upgrade means: the gateway's own refusal (header + message) or a plain HTTP error. */
function refusalOf(response: IncomingMessage): Promise<LinkError> {
  return new Promise((resolve) => {
    let body = '';
    const done = () => {
      const status = response.statusCode ?? 0;
      const refusal = String(response.headers[REFUSAL_HEADER] ?? '');
      const message = body.trim() || `gateway answered HTTP ${status}`;
      if (refusal === UpgradeRefusal.revoked) resolve(new LinkError('revoked', message));
      else if (refusal) resolve(new LinkError('refused', message));
      else
        resolve(new LinkError('dial_failed', `gateway answered HTTP ${status}${body ? `: ${message}` : ''}`));
    };
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (body.length < MAX_REFUSAL_BYTES) body += chunk;
    });
    response.once('end', done);
    response.once('error', done);
  });
}
