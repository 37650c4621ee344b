import { ApiError } from '../../core/http/api-error';
import { BlobStore } from './blob-store';
import type { PullFileDto, PushFileDto } from './files.dto';
import type { PushRequest } from './files.service';

const bad = (message: string) => new ApiError(400, 'bad_request', message);
const isString = (v: unknown): v is string => typeof v === 'string';

function optionalInteger(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw bad(`${field} must be an integer ≥ ${min}`);
  }
  return value;
}

/** A name that stays one entry in its directory. */
export function isPlainName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}

export function parsePush(body: PushFileDto): Omit<PushRequest, 'createdBy' | 'scopePath'> {
  if (!body || typeof body !== 'object') throw bad('body must be a JSON object');
  if (!isString(body.blob) || !BlobStore.isSha256(body.blob))
    throw bad('blob must be a sha256 (hex, lower case)');
  if (!isString(body.name) || !isPlainName(body.name)) throw bad('name must be a plain file name');
  if (body.format !== 'file' && body.format !== 'tar') throw bad('format must be file or tar');
  if (!isString(body.path) || body.path.length > 4096) throw bad('path must be a string');
  if (!Array.isArray(body.targets) || body.targets.length === 0 || !body.targets.every(isString)) {
    throw bad('targets must be a non-empty array of node names or @groups');
  }
  if (body.force !== undefined && typeof body.force !== 'boolean') throw bad('force must be a boolean');
  const mode = optionalInteger(body.mode, 'mode', 0);
  if (mode !== undefined && mode > 0o7777) throw bad('mode must be permission bits (at most 0o7777)');
  return {
    blob: body.blob,
    name: body.name,
    format: body.format,
    path: body.path,
    force: body.force ?? true,
    mode: mode ?? null,
    targets: body.targets,
    options: {
      deliveryTimeoutSeconds: optionalInteger(body.deliveryTimeoutSeconds, 'deliveryTimeoutSeconds', 0),
      maxConcurrency: optionalInteger(body.maxConcurrency, 'maxConcurrency', 1) ?? null,
      maxErrors: optionalInteger(body.maxErrors, 'maxErrors', 0) ?? null,
    },
  };
}

export function parsePull(body: PullFileDto): { node: string; path: string } {
  if (!body || typeof body !== 'object') throw bad('body must be a JSON object');
  if (!isString(body.node) || body.node === '') throw bad('node must be a node name');
  if (!isString(body.path) || body.path === '' || body.path.length > 4096)
    throw bad('path must be a non-empty string');
  return { node: body.node, path: body.path };
}
