import { ApiError } from '../../core/http/api-error';
import type { CreateJoinTokenRequest, EnrolRequestDto } from './enrolment.dto';
import type { EnrolRequest } from './enrolment.service';

const bad = (message: string) => new ApiError(400, 'bad_request', message);

export function parseCreateToken(body: CreateJoinTokenRequest | undefined): {
  ttlSeconds?: number;
  name?: string;
} {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object') throw bad('body must be a JSON object');
  const { ttlSeconds, name } = body;
  if (ttlSeconds !== undefined && typeof ttlSeconds !== 'number') throw bad('ttlSeconds must be a number');
  if (name !== undefined && typeof name !== 'string') throw bad('name must be a string');
  return { ttlSeconds, name: name === '' ? undefined : name };
}

export function parseEnrol(body: EnrolRequestDto | undefined): EnrolRequest {
  if (!body || typeof body !== 'object') throw bad('body must be {"token", "name", "csr"}');
  for (const field of ['token', 'name', 'csr'] as const) {
    if (typeof body[field] !== 'string' || body[field] === '')
      throw bad(`${field} must be a non-empty string`);
  }
  return { token: body.token, name: body.name, csr: body.csr };
}
