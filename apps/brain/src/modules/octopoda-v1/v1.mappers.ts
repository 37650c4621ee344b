import type { NodeStatus } from '@octopod/protocol';
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
