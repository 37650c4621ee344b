import { Injectable } from '@nestjs/common';
import { Prisma, type Node } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';
import type { NodeStateName } from './node-state';

export interface JoinRecord {
  name: string;
  version: string;
  addr: string;
  facts: Prisma.InputJsonValue;
  holder: string;
  at: Date;
}

export interface ActivityRecord {
  name: string;
  lastActiveAt: Date;
  delayMs: number | null;
  offsetMs: number | null;
  offsetErrorMs: number | null;
}

/** The only code that touches the `node` table. */
@Injectable()
export class NodesRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(state?: NodeStateName): Promise<Node[]> {
    return this.prisma.node.findMany({ where: state ? { state } : undefined, orderBy: { name: 'asc' } });
  }

  listByNames(names: string[]): Promise<Node[]> {
    return this.prisma.node.findMany({ where: { name: { in: names } }, orderBy: { name: 'asc' } });
  }

  find(name: string): Promise<Node | null> {
    return this.prisma.node.findUnique({ where: { name } });
  }

  /** A tentacle said hello: (re)create its record as online and held by this instance. */
  join(record: JoinRecord): Promise<Node> {
    const fields = {
      version: record.version,
      addr: record.addr,
      facts: record.facts,
      state: 'online' as const,
      connected: true,
      holder: record.holder,
      onlineAt: record.at,
      lastActiveAt: record.at,
      delayMs: null,
      offsetMs: null,
      offsetErrorMs: null,
    };
    return this.prisma.node.upsert({ where: { name: record.name }, create: { name: record.name, ...fields }, update: fields });
  }

  /** The connection held by `holder` closed. A newer connection (another holder) is left alone. */
  async disconnect(name: string, holder: string, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "node" SET connected = false, holder = NULL, updated_at = ${at},
        state = CASE WHEN state = 'offline' THEN state ELSE 'unstable'::"NodeState" END,
        offline_at = CASE WHEN state = 'online' THEN ${at} ELSE offline_at END
      WHERE name = ${name} AND holder = ${holder}`;
  }

  /** Heartbeats late (`unstable`) or back (`online`) on a connection this instance holds. */
  async setLiveness(name: string, holder: string, state: 'online' | 'unstable', at: Date): Promise<void> {
    await this.prisma.node.updateMany({
      where: { name, holder },
      data: state === 'unstable' ? { state, offlineAt: at } : { state },
    });
  }

  /** One statement for a whole batch of heartbeats. */
  async recordActivity(rows: ActivityRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE "node" AS n SET last_active_at = v.at, delay_ms = v.delay, offset_ms = v.off, offset_error_ms = v.err
      FROM unnest(
        ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.lastActiveAt)}::timestamp[],
        ${rows.map((r) => r.delayMs)}::float8[], ${rows.map((r) => r.offsetMs)}::float8[],
        ${rows.map((r) => r.offsetErrorMs)}::float8[]
      ) AS v(name, at, delay, off, err)
      WHERE n.name = v.name`;
  }

  /** Disconnected and unhealthy for longer than recordTimeout: offline. Returns the names changed. */
  async sweepOffline(olderThan: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ name: string }>>`
      UPDATE "node" SET state = 'offline', updated_at = now()
      WHERE state = 'unstable' AND connected = false AND offline_at < ${olderThan}
      RETURNING name`;
    return rows.map((row) => row.name);
  }

  /** Connections held by a brain instance that is no longer alive (it crashed) are released. */
  async releaseOrphans(liveInstances: string[], at: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ name: string }>>`
      UPDATE "node" SET connected = false, holder = NULL, updated_at = ${at},
        state = CASE WHEN state = 'offline' THEN state ELSE 'unstable'::"NodeState" END,
        offline_at = CASE WHEN state = 'online' THEN ${at} ELSE offline_at END
      WHERE connected = true AND (holder IS NULL OR NOT (split_part(holder, '/', 1) = ANY(${liveInstances}::text[])))
      RETURNING name`;
    return rows.map((row) => row.name);
  }

  async saveStatus(name: string, status: Prisma.InputJsonValue, at: Date): Promise<void> {
    await this.prisma.node.updateMany({ where: { name }, data: { lastStatus: status, lastStatusAt: at } });
  }

  /** Deletes the node only if it is offline; returns whether it was deleted. */
  async deleteIfOffline(name: string): Promise<boolean> {
    const { count } = await this.prisma.node.deleteMany({ where: { name, state: 'offline' } });
    return count === 1;
  }
}
