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

export interface SessionRecord {
  name: string;
  holder: string;
  state: 'online' | 'unstable';
  lastActiveAt: Date;
  delayMs: number | null;
  offsetMs: number | null;
  offsetErrorMs: number | null;
}

/** SET clause letting go of a connection: unstable (unless already offline), unhealthy since `at`. */
const released = (at: Date) => Prisma.sql`
  connected = false, holder = NULL, updated_at = ${at},
  state = CASE WHEN state = 'offline' THEN state ELSE 'unstable'::"NodeState" END,
  offline_at = CASE WHEN state = 'online' THEN ${at} ELSE offline_at END`;

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
    return this.prisma.node.upsert({
      where: { name: record.name },
      create: { name: record.name, ...fields },
      update: fields,
    });
  }

  /** The connection held by `holder` closed. A newer connection (another holder) is left alone. */
  async disconnect(name: string, holder: string, at: Date): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "node" SET ${released(at)}
      WHERE name = ${name} AND holder = ${holder}`;
  }

  /**
   * The current state of the sessions this instance holds, in one statement. A row released meanwhile (holder
   * NULL) is taken back; a row held by another connection is left alone.
   */
  async recordSessions(rows: SessionRecord[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE "node" AS n SET
        connected = true, holder = v.holder, state = v.state::"NodeState", updated_at = ${at},
        offline_at = CASE WHEN v.state = 'unstable' AND n.state <> 'unstable' THEN ${at} ELSE n.offline_at END,
        last_active_at = v.active, delay_ms = v.delay, offset_ms = v.off, offset_error_ms = v.err
      FROM unnest(
        ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.holder)}::text[], ${rows.map((r) => r.state)}::text[],
        ${rows.map((r) => r.lastActiveAt)}::timestamp[], ${rows.map((r) => r.delayMs)}::float8[],
        ${rows.map((r) => r.offsetMs)}::float8[], ${rows.map((r) => r.offsetErrorMs)}::float8[]
      ) AS v(name, holder, state, active, delay, off, err)
      WHERE n.name = v.name AND (n.holder = v.holder OR n.holder IS NULL)`;
  }

  /** Disconnected and unhealthy for longer than recordTimeout: offline. Returns the names changed. */
  async sweepOffline(olderThan: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ name: string }>>`
      UPDATE "node" SET state = 'offline', updated_at = ${new Date()}
      WHERE state = 'unstable' AND connected = false AND offline_at < ${olderThan}
      RETURNING name`;
    return rows.map((row) => row.name);
  }

  /** Connections held by a brain instance that is no longer alive (it crashed) are released. */
  async releaseOrphans(liveInstances: string[], at: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ name: string }>>`
      UPDATE "node" SET ${released(at)}
      WHERE connected = true AND (holder IS NULL OR NOT (split_part(holder, '/', 1) = ANY(${liveInstances}::text[])))
      RETURNING name`;
    return rows.map((row) => row.name);
  }

  /** Lets go of every connection held by one brain instance (its shutdown). */
  async releaseInstance(instanceId: string, at: Date): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ name: string }>>`
      UPDATE "node" SET ${released(at)}
      WHERE connected = true AND split_part(holder, '/', 1) = ${instanceId}
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
