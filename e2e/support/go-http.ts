import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';

/** Octopoda's Go clients canonicalise header names and send these exact ones (reference spec §2.1). */
export interface OctopodaAuth {
  rootpath: string;
  currentpath: string;
  password: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json(): unknown;
}

export interface GoTls {
  caPath: string;
  certPath?: string;
  keyPath?: string;
}

/** The brain's API of a test stack as Octopoda's octl reaches it: loopback, the stack's admin client certificate. */
export function adminTarget(stack: { ports: { api: number }; pki: { caPath: string; dir: string } }): {
  host: string;
  port: number;
  tls: GoTls;
} {
  const { caPath, dir } = stack.pki;
  return {
    host: '127.0.0.1',
    port: stack.ports.api,
    tls: { caPath, certPath: `${dir}/admin.pem`, keyPath: `${dir}/admin.key` },
  };
}

/**
 * Sends a request the way Go's net/http does for Octopoda's octl: the request target written verbatim
 * (Octopoda puts raw JSON like `?targetNodes=["a","b"]` in URLs, unescaped), canonical header names,
 * `User-Agent: Go-http-client/1.1`, TLS server name `octopoda`. Returns the parsed answer.
 */
export function goRequest(
  target: { host: string; port: number; tls?: GoTls },
  method: string,
  requestTarget: string,
  options: { auth?: OctopodaAuth; body?: string | Buffer; contentType?: string } = {},
): Promise<RawResponse> {
  const lines = [
    `${method} ${requestTarget} HTTP/1.1`,
    `Host: ${target.host}:${target.port}`,
    'User-Agent: Go-http-client/1.1',
  ];
  if (options.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(options.body)}`);
  if (options.contentType) lines.push(`Content-Type: ${options.contentType}`);
  if (options.auth) {
    lines.push(
      `Currentpath: ${options.auth.currentpath}`,
      `Password: ${options.auth.password}`,
      `Rootpath: ${options.auth.rootpath}`,
    );
  }
  lines.push('Accept-Encoding: gzip', 'Connection: close');
  const wire = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(options.body ?? '')]);

  return new Promise((resolve, reject) => {
    const tls = target.tls;
    const socket: Socket = tls
      ? tlsConnect({
          host: target.host,
          port: target.port,
          servername: 'octopoda',
          ca: readFileSync(tls.caPath),
          cert: tls.certPath ? readFileSync(tls.certPath) : undefined,
          key: tls.keyPath ? readFileSync(tls.keyPath) : undefined,
        })
      : netConnect({ host: target.host, port: target.port });
    const chunks: Buffer[] = [];
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.write(wire));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseResponse(raw: Buffer): RawResponse {
  const text = raw.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`incomplete HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
  const status = Number((statusLine ?? '').split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(split + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  return { status, headers, body, json: () => JSON.parse(body) };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
