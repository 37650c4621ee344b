import { createCa, issueClientCert, issueServerCert, writeCertifiedKey } from '@octopod/pki';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OctopodApiError, OctopodClient } from './index';

// Libraries may not use @octopod/testing (lint: type:lib depends on type:lib only): a CA and two certificates here.
let dir: string;
let files: {
  ca: string;
  server: { certPath: string; keyPath: string };
  client: { certPath: string; keyPath: string };
};
const closers: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'octopod-sdk-files-'));
  const ca = createCa({ commonName: 'Files Test CA' });
  files = {
    ca: writeCertifiedKey(dir, 'ca', ca).certPath,
    server: writeCertifiedKey(dir, 'brain', issueServerCert(ca, { commonName: 'brain' })),
    client: writeCertifiedKey(dir, 'octl', issueClientCert(ca, { commonName: 'admin', role: 'admin' })),
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  peerCn?: string;
}

async function brain(handler: Handler, timeoutMs = 5_000): Promise<{ client: OctopodClient; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer({
    ca: readFileSync(files.ca),
    cert: readFileSync(files.server.certPath),
    key: readFileSync(files.server.keyPath),
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      peerCn: peer.subject?.CN as string | undefined,
    });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  const client = new OctopodClient({
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: readFileSync(files.ca),
    cert: readFileSync(files.client.certPath),
    key: readFileSync(files.client.keyPath),
    headers: { 'x-workgroup-path': '/lab' },
    timeoutMs,
  });
  closers.push(() => client.close());
  return { client, seen };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
}

/** A store of blobs, serving the contract's upload and download routes. */
function blobStore(): { blobs: Map<string, Buffer>; handler: Handler } {
  const blobs = new Map<string, Buffer>();
  const handler: Handler = (req, res) => {
    if (req.method === 'PUT' && req.url === '/api/v2/files/blobs') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const expected = req.headers['x-octopod-sha256'];
        if (expected && expected !== sha256(bytes))
          return json(res, 422, { statusCode: 422, code: 'checksum_mismatch', message: 'sha256 differs' });
        blobs.set(sha256(bytes), bytes);
        json(res, 201, { sha256: sha256(bytes), size: bytes.length });
      });
      return;
    }
    const match = /^\/api\/v2\/files\/blobs\/([0-9a-f]{64})$/.exec(req.url ?? '');
    const bytes = match && blobs.get(match[1]);
    if (req.method === 'GET' && bytes) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.end(bytes);
      return;
    }
    json(res, 404, { statusCode: 404, code: 'blob_not_found', message: `no blob ${match?.[1]}` });
  };
  return { blobs, handler };
}

/** A writable that keeps what it gets, slowly, so the reader has to wait on it (backpressure). */
function slowSink(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

const MB = 1024 * 1024;

describe('OctopodClient.uploadBlob over HTTPS', () => {
  it('streams the bytes with their length and credentials, reports progress, and returns the sha256', async () => {
    const { blobs, handler } = blobStore();
    const { client, seen } = await brain(handler);
    const content = randomBytes(3 * MB + 17);
    const progress: [number, number][] = [];
    const blob = await client.uploadBlob(Readable.from(chunksOf(content, 64 * 1024)), content.length, {
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(blob).toEqual({ sha256: sha256(content), size: content.length });
    expect(blobs.get(blob.sha256)?.equals(content)).toBe(true);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.at(-1)).toEqual([content.length, content.length]);
    expect(progress.every(([sent], i) => i === 0 || sent > progress[i - 1][0])).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/api/v2/files/blobs', peerCn: 'admin' });
    expect(seen[0].headers).toMatchObject({
      'content-length': String(content.length),
      'content-type': 'application/octet-stream',
      'x-workgroup-path': '/lab',
    });
    expect(seen[0].headers['x-octopod-sha256']).toBeUndefined();
  });

  it('sends the sha256 when given, and maps the refusal to OctopodApiError', async () => {
    const { handler } = blobStore();
    const { client, seen } = await brain(handler);
    const content = Buffer.from('hello');
    const wrong = sha256(Buffer.from('other'));
    const error = await client.uploadBlob(Readable.from([content]), 5, { sha256: wrong }).catch((e) => e);
    expect(error).toBeInstanceOf(OctopodApiError);
    expect(error).toMatchObject({ status: 422, code: 'checksum_mismatch', message: 'sha256 differs' });
    expect(seen[0].headers['x-octopod-sha256']).toBe(wrong);
    const ok = await client.uploadBlob(Readable.from([content]), 5, { sha256: sha256(content) });
    expect(ok.sha256).toBe(sha256(content));
  });

  it('keeps the reason of a brain that refuses before reading the body, and stops sending', async () => {
    const { client } = await brain((_req, res) =>
      json(res, 403, { statusCode: 403, code: 'forbidden', message: 'no uploads for you' }),
    );
    const source = new PassThrough();
    source.write(randomBytes(256 * 1024));
    const error = await client.uploadBlob(source, 64 * MB).catch((e) => e);
    expect(error).toMatchObject({ status: 403, code: 'forbidden', message: 'no uploads for you' });
    expect(source.destroyed).toBe(true);
  });

  it('fails (without hanging) when the source is shorter or longer than announced', async () => {
    const { handler } = blobStore();
    const { client } = await brain(handler);
    const short = await client.uploadBlob(Readable.from([Buffer.alloc(10)]), 20).catch((e) => e);
    expect((short as Error).message).toBe('ended after 10 of the 20 bytes announced');
    const long = await client.uploadBlob(Readable.from([Buffer.alloc(30)]), 20).catch((e) => e);
    expect((long as Error).message).toMatch(/^more than the 20 bytes announced/);
  });

  it('rejects with the error of a source that cannot be read', async () => {
    const { handler } = blobStore();
    const { client } = await brain(handler);
    const source = new Readable({ read: () => source.destroy(new Error('EIO: disk on fire')) });
    await expect(client.uploadBlob(source, 100)).rejects.toThrow('EIO: disk on fire');
  });
});

function* chunksOf(bytes: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('OctopodClient.downloadBlob over HTTPS', () => {
  it('writes the bytes exactly, into a slow writer, with progress of the announced total', async () => {
    const { blobs, handler } = blobStore();
    const { client, seen } = await brain(handler);
    const content = randomBytes(2 * MB + 5);
    blobs.set(sha256(content), content);
    const { sink, bytes } = slowSink();
    const progress: [number, number][] = [];
    const blob = await client.downloadBlob(sha256(content), sink, {
      onProgress: (got, total) => progress.push([got, total]),
    });
    expect(blob).toEqual({ sha256: sha256(content), size: content.length });
    expect(bytes().equals(content)).toBe(true);
    expect(sink.writableFinished).toBe(true);
    expect(progress.at(-1)).toEqual([content.length, content.length]);
    expect(seen[0]).toMatchObject({ method: 'GET', url: `/api/v2/files/blobs/${sha256(content)}` });
  });

  it("maps a missing blob to the brain's error", async () => {
    const { handler } = blobStore();
    const { client } = await brain(handler);
    const missing = sha256(Buffer.from('nothing'));
    const error = await client.downloadBlob(missing, slowSink().sink).catch((e) => e);
    expect(error).toBeInstanceOf(OctopodApiError);
    expect(error).toMatchObject({ status: 404, code: 'blob_not_found', message: `no blob ${missing}` });
  });

  it('refuses bytes whose sha256 is not the one asked for', async () => {
    const { blobs, handler } = blobStore();
    const { client } = await brain(handler);
    const claimed = sha256(Buffer.from('the real thing'));
    blobs.set(claimed, Buffer.from('an impostor'));
    const error = await client.downloadBlob(claimed, slowSink().sink).catch((e) => e);
    expect(error).toMatchObject({ code: 'checksum_mismatch' });
  });

  it('reports a connection that breaks mid-way as connection_dropped', async () => {
    const { client } = await brain((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1000 });
      res.write(Buffer.alloc(100), () => res.socket?.destroy());
    });
    const error = await client.downloadBlob(sha256(Buffer.alloc(1000)), slowSink().sink).catch((e) => e);
    expect(error).toBeInstanceOf(OctopodApiError);
    expect(error.code).toBe('connection_dropped');
  });

  it('stops when aborted mid-way', async () => {
    const { client } = await brain((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1000 });
      res.write(Buffer.alloc(100));
    });
    const controller = new AbortController();
    const pending = client.downloadBlob(sha256(Buffer.alloc(1000)), slowSink().sink, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
  });

  it('fails a stalled answer after the idle timeout', async () => {
    const { client } = await brain(() => undefined, 300);
    const error = await client.downloadBlob(sha256(Buffer.alloc(1)), slowSink().sink).catch((e) => e);
    expect(error).toMatchObject({ code: 'timeout' });
  });
});

describe('OctopodClient.nodeFileContent over HTTPS', () => {
  it('returns what the headers say and the unread body', async () => {
    const tar = randomBytes(4096);
    const { client, seen } = await brain((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/x-tar',
        'content-length': tar.length,
        'x-octopod-type': 'dir',
        'x-octopod-name': encodeURIComponent('logs é'),
        'x-octopod-sha256': sha256(tar),
        'x-octopod-mode': '755',
      });
      res.end(tar);
    });
    const content = await client.nodeFileContent('brain', '@log/x y');
    expect(content).toMatchObject({
      type: 'dir',
      name: 'logs é',
      sha256: sha256(tar),
      size: tar.length,
      mode: 0o755,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of content.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(tar)).toBe(true);
    expect(seen[0].url).toBe('/api/v2/nodes/brain/files/content?path=%40log%2Fx+y');
  });

  it("maps a missing path to the brain's error", async () => {
    const { client } = await brain((_req, res) =>
      json(res, 404, { statusCode: 404, code: 'path_not_found', message: 'file or path not found: /x' }),
    );
    await expect(client.nodeFileContent('pi-1', '/x')).rejects.toMatchObject({
      status: 404,
      code: 'path_not_found',
      message: 'file or path not found: /x',
    });
  });
});
