import type { Request } from 'express';
import type { NameSource } from './node-scope.decorator';

const isString = (value: unknown): value is string => typeof value === 'string';

function asList(value: unknown): string[] {
  if (isString(value)) return [value];
  return Array.isArray(value) ? value.filter(isString) : [];
}

/** Octopoda's `targetNodes`: a JSON array in a string. Malformed text names nothing; the handler answers it. */
function fromJson(value: unknown): string[] {
  const text = Array.isArray(value) ? value[0] : value;
  if (!isString(text)) return [];
  try {
    return asList(JSON.parse(text) as unknown);
  } catch {
    return [];
  }
}

/** Group references and whole-scope words are resolved inside the scope; only plain names need checking. */
function plainTargets(value: unknown): string[] {
  return asList(value).filter((target) => target !== '' && !target.startsWith('@') && target !== 'ALL');
}

/** The node names a request carries at one source. */
export function namesAt(request: Request, source: NameSource): string[] {
  const container: Record<string, unknown> | undefined =
    source.in === 'query' ? request.query : source.in === 'param' ? request.params : request.body;
  const value = container?.[source.field];
  if (source.format === 'json') return fromJson(value);
  if (source.format === 'targets') return plainTargets(value);
  return asList(value);
}
