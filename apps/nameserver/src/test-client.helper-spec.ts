// Test-only helpers (the `-spec.ts` suffix keeps this file out of the build and out of test discovery).
import { freePorts, type TestPki } from '@octopod/testing';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { NameServerConfigInput } from './config';
import { startNameServer, type RunningNameServer } from './server';

export interface ClientCert {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  /** Sent as-is, so `../` and odd encodings reach the server untouched. */
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export function readClientCert(caPath: string, cert?: { certPath: string; keyPath: string }): ClientCert {
  return {
    ca: readFileSync(caPath),
    cert: cert ? readFileSync(cert.certPath) : undefined,
    key: cert ? readFileSync(cert.keyPath) : undefined,
  };
}

/** One request over HTTPS (`tls` given) or plain HTTP, on a fresh connection. */
export function send(port: number, options: RequestOptions, tls?: ClientCert): Promise<Reply> {
  const common = {
    host: '127.0.0.1',
    port,
    method: options.method ?? 'GET',
    path: options.path,
    headers: options.headers,
    agent: false as const,
  };
  return new Promise((resolve, reject) => {
    const req = tls
      ? httpsRequest({ ...common, ...tls, servername: 'octopoda' }, collect)
      : httpRequest(common, collect);
    function collect(res: import('node:http').IncomingMessage) {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    }
    req.on('error', reject);
    req.end(options.body);
  });
}

export function postJson(port: number, path: string, body: unknown, tls?: ClientCert): Promise<Reply> {
  return send(
    port,
    { method: 'POST', path, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } },
    tls,
  );
}

/** An in-process name server on free loopback ports, keys under `keyPrefix` in Redis db 2. */
export async function startTestNameServer(
  pki: TestPki,
  keyPrefix: string,
  extra: Partial<NameServerConfigInput> = {},
): Promise<RunningNameServer> {
  const [servePort, httpPort] = await freePorts(2);
  const cert = pki.server('ns');
  return startNameServer({
    servePort,
    httpPort,
    ip: '127.0.0.1',
    redis: { ip: '127.0.0.1', port: 6379, db: 2, keyPrefix },
    ssl: { caCert: pki.caPath, serverCert: cert.certPath, serverKey: cert.keyPath },
    ...extra,
  });
}
