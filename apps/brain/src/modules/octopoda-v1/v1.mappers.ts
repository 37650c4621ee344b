import type { NodeStatus } from '@octopod/protocol';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { ApiError, V1Reply } from '../../core/http/api-error';
import type { Node } from '../../generated/prisma/client';
import { octopodaStateCodes } from '../nodes/node-state';

/** Octopoda's NodeInfo (protocols/node.go): PascalCase, ms timestamps, BrainTs in seconds. */
export interface V1NodeInfo {
  Name: string;
  Version: string;
  Addr: string;
  State: number;
  ConnState: number;
  Delay: number;
  OnlineTs: number;
  OfflineTs: number;
  ActiveTs: number;
  BrainTs: number;
}

export interface V1Status {
  Name: string;
  Platform: string;
  CpuCores: number;
  LocalTime: string;
  CpuLoadShort: number;
  CpuLoadLong: number;
  MemUsed: number;
  MemTotal: number;
  DiskUsed: number;
  DiskTotal: number;
}

const ms = (date: Date | null) => (date ? date.getTime() : 0);

export function toV1NodeInfo(node: Node, now = Date.now()): V1NodeInfo {
  const codes = octopodaStateCodes(node);
  return {
    Name: node.name,
    Version: node.version,
    Addr: node.addr,
    ...codes,
    Delay: codes.State === 0 && node.delayMs !== null ? Math.round(node.delayMs) : 0,
    OnlineTs: ms(node.onlineAt),
    OfflineTs: ms(node.offlineAt),
    ActiveTs: ms(node.lastActiveAt),
    BrainTs: Math.floor(now / 1000),
  };
}

export function toV1Status(status: NodeStatus): V1Status {
  return {
    Name: status.name,
    Platform: status.platform,
    CpuCores: status.cpuCores,
    LocalTime: status.localTime,
    CpuLoadShort: status.cpuLoadShort,
    CpuLoadLong: status.cpuLoadLong,
    MemUsed: status.memUsed,
    MemTotal: status.memTotal,
    DiskUsed: status.diskUsed,
    DiskTotal: status.diskTotal,
  };
}

/** Octopoda passes node lists as a JSON array in the `targetNodes` query/form field. Null when malformed. */
export function parseTargetNodes(raw: unknown): string[] | null {
  if (typeof raw !== 'string') return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null) return [];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
  } catch {
    return null;
  }
}

/** Go marshals a nil slice as null. */
export const nilIfEmpty = <T>(list: T[]): T[] | null => (list.length ? list : null);

/** A query parameter as Octopoda reads it (gin's Query: the first value), or undefined. */
export function singleQuery(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Octopoda's Result object (protocols/result.go); `Rmsg` is "OK" on success. */
export interface V1Result {
  Rcode: number;
  Rmsg: string;
  Output: string;
  Version: string;
  Modified: boolean;
}

export const v1Result = (rmsg: string, fields: Partial<V1Result> = {}): V1Result => ({
  Rcode: 0,
  Rmsg: rmsg,
  Output: '',
  Version: '',
  Modified: false,
  ...fields,
});

/** Go's strconv.Atoi: an optional sign and decimal digits, else null. */
export function goAtoi(text: string): number | null {
  return /^[+-]?\d{1,15}$/.test(text) ? Number.parseInt(text, 10) : null;
}

/**
 * A service's ApiError as the route's Octopoda answer: `answer`'s, else `ERROR: <message>` in a Result under the
 * same status. Anything else is left to the error filter.
 */
export async function orV1<T>(
  work: Promise<T>,
  answer: (error: ApiError) => V1Reply | undefined = () => undefined,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw answer(error) ?? new V1Reply(error.getStatus(), v1Result(`ERROR: ${error.message}`));
  }
}

/** A form field as Go's PostForm reads it: the first value, '' when missing. */
export function formField(form: unknown, key: string): string {
  if (typeof form !== 'object' || form === null) return '';
  return singleQuery((form as Record<string, unknown>)[key]) ?? '';
}

/** Go marshals a nil slice as `null`; a handler returning null would send an empty body, so this answers it. */
export const jsonNull = () => new V1Reply(200, null);

/** Who is asking, as the services record it: the caller's name and current workgroup. */
export const v1Caller = (request: AuthedRequest) => ({
  createdBy: request.caller?.actor ?? 'octopoda-v1',
  scopePath: scopeOf(request),
});
