import { request } from 'node:https';

/** Largest download accepted (a release bundle is a few MB). */
const MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

export interface DownloadOptions {
  host: string;
  port: number;
  /** Checked against the server's certificate. */
  serverName: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
  timeoutMs: number;
}

/** What the name server answered: the body on 200, `notFound` on 404; anything else throws. */
export type Download = { notFound: false; body: Buffer } | { notFound: true };

/** GETs `path` from the name server over mutual TLS, whole, into memory. */
export function download(path: string, options: DownloadOptions): Promise<Download> {
  const where = `https://${options.host}:${options.port}${path}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host,
        port: options.port,
        path,
        method: 'GET',
        servername: options.serverName,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        agent: false,
        timeout: options.timeoutMs,
      },
      (res) => {
        if (res.statusCode === 404) {
          res.resume();
          return resolve({ notFound: true });
        }
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`cannot download ${where}: HTTP ${res.statusCode}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DOWNLOAD_BYTES) req.destroy(new Error(`larger than ${MAX_DOWNLOAD_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => resolve({ notFound: false, body: Buffer.concat(chunks) }));
        res.on('error', (error) => reject(new Error(`cannot download ${where}: ${error.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(new Error(`cannot download ${where}: ${error.message}`)));
    req.end();
  });
}
