import { ApiError } from '../../core/http/api-error';
import type { TaskOptions } from './task-options';
import type { CreateTaskDto, ListTasksQuery } from './tasks.dto';
import type { TaskRequest } from './tasks.service';

const bad = (message: string) => new ApiError(400, 'bad_request', message);
const isString = (v: unknown): v is string => typeof v === 'string';

function optionalNumber(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw bad(`${field} must be a number ≥ ${min}`);
  return value;
}

/** Checks a createTask body field by field, with a message naming the field. */
export function parseCreateTask(body: CreateTaskDto): Omit<TaskRequest, 'createdBy'> {
  if (!body || typeof body !== 'object') throw bad('body must be a JSON object');
  if (!Array.isArray(body.targets) || body.targets.length === 0 || !body.targets.every(isString)) {
    throw bad('targets must be a non-empty array of node names or @groups');
  }
  if (body.command !== undefined && !isString(body.command)) throw bad('command must be a string');
  if (
    body.script !== undefined &&
    (!body.script || !isString(body.script.name) || !isString(body.script.contentBase64))
  ) {
    throw bad('script must be {name, contentBase64}');
  }
  if (body.script && /[/\\]|^\.\.?$/.test(body.script.name))
    throw bad('script.name must be a plain file name');
  if (body.env !== undefined && (typeof body.env !== 'object' || !Object.values(body.env).every(isString))) {
    throw bad('env must map names to strings');
  }
  const options: Partial<TaskOptions> = {
    background: body.background === true,
    delaySeconds: optionalNumber(body.delaySeconds, 'delaySeconds', 0),
    align: body.align === true,
    timeoutSeconds: optionalNumber(body.timeoutSeconds, 'timeoutSeconds', 0.001) ?? null,
    deliveryTimeoutSeconds: optionalNumber(body.deliveryTimeoutSeconds, 'deliveryTimeoutSeconds', 0),
    maxConcurrency: optionalNumber(body.maxConcurrency, 'maxConcurrency', 1) ?? null,
    maxErrors: optionalNumber(body.maxErrors, 'maxErrors', 0) ?? null,
    env: body.env,
  };
  if (options.align && options.maxConcurrency !== null)
    throw bad('align and maxConcurrency cannot be combined: an aligned start sends to every node at once');
  for (const field of ['maxConcurrency', 'maxErrors'] as const) {
    if (options[field] !== null && !Number.isInteger(options[field]))
      throw bad(`${field} must be an integer`);
  }
  return { targets: body.targets, command: body.command, script: body.script, options };
}

export function parseListQuery(query: ListTasksQuery) {
  const limit = query.limit === undefined ? 20 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw bad('limit must be 1..200');
  const before = query.before === undefined ? undefined : new Date(query.before);
  if (before && Number.isNaN(before.getTime())) throw bad('before must be an ISO date');
  if (query.state !== undefined && !['running', 'done', 'cancelled'].includes(query.state))
    throw bad('state must be running, done or cancelled');
  return {
    limit,
    before,
    node: query.node,
    state: query.state as 'running' | 'done' | 'cancelled' | undefined,
  };
}
