import { nodeAppNameSchema } from '@octopod/protocol';
import { ApiError } from '../../core/http/api-error';
import { BlobStore } from '../files/blob-store';
import type { ApplyScenarioDto, ResetDto } from './scenarios.dto';
import type { ApplyRequest } from './scenarios.service';

const bad = (message: string) => new ApiError(400, 'bad_request', message);
const isString = (v: unknown): v is string => typeof v === 'string';

export function parseApply(body: ApplyScenarioDto): ApplyRequest {
  if (!body || typeof body !== 'object') throw bad('body must be a JSON object');
  if ((body.blob === undefined) === (body.git === undefined)) throw bad('give exactly one of blob or git');
  if (body.blob !== undefined && (!isString(body.blob) || !BlobStore.isSha256(body.blob))) {
    throw bad('blob must be a sha256 (hex, lower case)');
  }
  if (body.git !== undefined && (!isString(body.git?.url) || !isString(body.git?.ref) || !body.git.url)) {
    throw bad('git must be {url, ref}');
  }
  const target = body.target ?? 'default';
  if (!isString(target) || !nodeAppNameSchema.safeParse(target).success)
    throw bad('target must be a target name');
  if (body.message !== undefined && (!isString(body.message) || body.message.length > 4096)) {
    throw bad('message must be a string of at most 4096 characters');
  }
  if (body.stopOnError !== undefined && typeof body.stopOnError !== 'boolean') {
    throw bad('stopOnError must be a boolean');
  }
  return {
    source: body.blob ? { blob: body.blob } : { git: { url: body.git!.url, ref: body.git!.ref || 'main' } },
    target,
    message: body.message ?? '',
    stopOnError: body.stopOnError ?? false,
  };
}

export function parseReset(body: ResetDto): { version: string; message: string } {
  if (!body || typeof body !== 'object') throw bad('body must be a JSON object');
  if (!isString(body.version) || !body.version) throw bad('version is required');
  if (!isString(body.message) || !body.message) throw bad('message is required');
  return { version: body.version, message: body.message };
}

/** `app@scenario` as a nodeapp reference. */
export function parseNodeAppRef(ref: string): { app: string; scenario: string } {
  const at = ref.lastIndexOf('@');
  const app = ref.slice(0, at);
  const scenario = ref.slice(at + 1);
  if (
    at <= 0 ||
    !nodeAppNameSchema.safeParse(app).success ||
    !nodeAppNameSchema.safeParse(scenario).success
  ) {
    throw bad(`"${ref}" is not <app>@<scenario>`);
  }
  return { app, scenario };
}

export function pageOf(offset: string | undefined, limit: string | undefined, defaultLimit = 5) {
  const number = (value: string | undefined, field: string, fallback: number, max: number) => {
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw bad(`${field} must be an integer from 0 to ${max}`);
    return n;
  };
  return {
    offset: number(offset, 'offset', 0, 1_000_000),
    limit: number(limit, 'limit', defaultLimit, 1000),
  };
}
