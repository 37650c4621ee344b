import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OctopodApiError } from './errors';
import type { Blob } from './generated/api';
import type { RawResponse, RawTransport } from './https-transport';

/** A blob in the brain's store: content-addressed by the sha256 of its bytes. */
export type BlobRef = Blob;

export interface TransferOptions {
  /** Bytes moved so far, of `total` (NaN when the brain did not say). Called as the bytes go. */
  onProgress?(bytes: number, total: number): void;
  /** Stops the transfer: rejects with code `aborted`. */
  signal?: AbortSignal;
}

export interface UploadBlobOptions extends TransferOptions {
  /** Hex sha256 of the bytes, when known: the brain refuses the upload (422 `checksum_mismatch`) if it differs. */
  sha256?: string;
}

/** A file, or a tar of a directory, read from a node or the brain, as `GET /api/v2/nodes/{name}/files/content`. */
export interface NodeFileContent {
  type: 'file' | 'dir';
  /** Base name of what was read. */
  name: string;
  sha256: string;
  size: number;
  /** Permission bits, when the brain says. */
  mode: number | null;
  /** The bytes (a tar for a directory): read them to the end, or destroy the stream. */
  body: Readable;
}

const SHA256 = /^[0-9a-f]{64}$/;
const JSON_LIMIT = 64 * 1024;

/**
 * Counts (and optionally hashes) the bytes passing through; fails when more than `expected` pass, or fewer by the
 * end, so a body never disagrees with the content-length it was announced with.
 */
class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly expected: number,
    private readonly onBytes: (bytes: number) => void,
    private readonly hash?: Hash,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expected) {
      return done(new Error(`more than the ${this.expected} bytes announced (did the file grow?)`));
    }
    this.hash?.update(chunk);
    this.onBytes(this.bytes);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (Number.isFinite(this.expected) && this.bytes !== this.expected) {
      return done(new Error(`ended after ${this.bytes} of the ${this.expected} bytes announced`));
    }
    done();
  }
}

async function readJson<T>(response: RawResponse, what: string): Promise<T> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > JSON_LIMIT) {
      response.body.destroy();
      throw new OctopodApiError(response.status, 'bad_response', `${what}: answer too large`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
  } catch (error) {
    throw new OctopodApiError(response.status, 'bad_response', `${what}: invalid JSON`, { cause: error });
  }
}

function checkSha256(sha256: string): void {
  if (!SHA256.test(sha256)) throw new RangeError(`not a sha256 (64 lower-case hex digits): ${sha256}`);
}

/**
 * `PUT /api/v2/files/blobs`: streams `size` bytes of `source` to the brain's blob store, with backpressure (never
 * the whole content in memory). `onProgress` follows the bytes handed to the connection. On failure `source` is
 * destroyed; an error of `source` itself (a read error) rejects as it is.
 */
export async function uploadBlob(
  transport: RawTransport,
  source: Readable,
  size: number,
  options: UploadBlobOptions = {},
): Promise<BlobRef> {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`not a byte count: ${size}`);
  if (options.sha256 !== undefined) checkSha256(options.sha256);
  const counter = new ByteCounter(size, (bytes) => options.onProgress?.(bytes, size));
  // Ties the two together: a failure of either destroys both (the result is seen through the request).
  pipeline(source, counter).catch(() => undefined);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (options.sha256) headers['x-octopod-sha256'] = options.sha256;
  try {
    const response = await transport.raw({
      method: 'PUT',
      path: '/api/v2/files/blobs',
      headers,
      body: { stream: counter, length: size },
      signal: options.signal,
    });
    const blob = await readJson<Partial<BlobRef>>(response, 'upload');
    if (typeof blob.sha256 !== 'string' || !SHA256.test(blob.sha256) || blob.size !== size) {
      throw new OctopodApiError(
        response.status,
        'bad_response',
        `upload: the brain answered ${JSON.stringify(blob)} for ${size} bytes`,
      );
    }
    return { sha256: blob.sha256, size: blob.size };
  } catch (error) {
    counter.destroy();
    source.destroy();
    throw error;
  }
}

/** Reads a response body into `into`: errors of the connection become `connection_dropped`, others stay. */
async function drain(
  response: RawResponse,
  counter: ByteCounter,
  into: Writable,
  what: string,
): Promise<void> {
  let broken: Error | undefined;
  response.body.once('error', (error) => (broken = error));
  try {
    await pipeline(response.body, counter, into);
  } catch (error) {
    if (error instanceof OctopodApiError) throw error; // aborted
    if (broken && error === broken) {
      throw new OctopodApiError(
        0,
        'connection_dropped',
        `${what} broke after ${counter.bytes} bytes: ${broken.message}`,
        {
          cause: broken,
        },
      );
    }
    throw error;
  }
}

function contentLength(response: RawResponse): number {
  const length = Number(response.headers['content-length']);
  return Number.isSafeInteger(length) && length >= 0 ? length : NaN;
}

/**
 * `GET /api/v2/files/blobs/{sha256}`: writes the blob's bytes into `into` (ended when done), checking their length
 * and sha256 on the way (`bad_response`, `checksum_mismatch`). Resolves once `into` has finished.
 */
export async function downloadBlob(
  transport: RawTransport,
  sha256: string,
  into: Writable,
  options: TransferOptions = {},
): Promise<BlobRef> {
  checkSha256(sha256);
  const response = await transport.raw({
    method: 'GET',
    path: `/api/v2/files/blobs/${sha256}`,
    headers: { accept: 'application/octet-stream' },
    signal: options.signal,
  });
  const total = contentLength(response);
  const hash = createHash('sha256');
  const counter = new ByteCounter(total, (bytes) => options.onProgress?.(bytes, total), hash);
  await drain(response, counter, into, `download of blob ${sha256}`);
  const actual = hash.digest('hex');
  if (actual !== sha256) {
    throw new OctopodApiError(
      response.status,
      'checksum_mismatch',
      `blob ${sha256} arrived with sha256 ${actual} (${counter.bytes} bytes)`,
    );
  }
  return { sha256, size: counter.bytes };
}

function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodedName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * `GET /api/v2/nodes/{name}/files/content`: a file's bytes, or a tar of a directory, from a node (the brain pulls
 * it first, so the answer may take a while to start) or from `brain` itself. The body is left unread: the caller
 * streams it where it goes.
 */
export async function nodeFileContent(
  transport: RawTransport,
  node: string,
  path: string,
  options: Pick<TransferOptions, 'signal'> = {},
): Promise<NodeFileContent> {
  const response = await transport.raw({
    method: 'GET',
    path: `/api/v2/nodes/${encodeURIComponent(node)}/files/content`,
    query: { path },
    signal: options.signal,
  });
  const type = header(response, 'x-octopod-type');
  const name = decodedName(header(response, 'x-octopod-name'));
  const sha256 = header(response, 'x-octopod-sha256') ?? '';
  const mode = Number.parseInt(header(response, 'x-octopod-mode') ?? '', 8);
  if ((type !== 'file' && type !== 'dir') || !name) {
    response.body.destroy();
    throw new OctopodApiError(
      response.status,
      'bad_response',
      `content of ${path} on ${node}: the answer does not say what it is (x-octopod-type, x-octopod-name)`,
    );
  }
  return {
    type,
    name,
    sha256,
    size: contentLength(response),
    mode: Number.isNaN(mode) ? null : mode,
    body: response.body,
  };
}
