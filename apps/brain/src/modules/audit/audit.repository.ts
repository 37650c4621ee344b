import { Injectable } from '@nestjs/common';
import { Prisma, type AuditRecord } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';
import type { NewAuditRecord } from './audit-record';

export interface AuditQuery {
  /** Records of this workgroup and every group below it. */
  within: string;
  since?: Date;
  until?: Date;
  actor?: string;
  action?: string;
  node?: string;
  outcome?: string;
  /** Only records with a smaller id (the next page, newest first). */
  before?: bigint;
  limit: number;
}

/** The only code that touches the audit_record table. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insertMany(records: NewAuditRecord[]): Promise<void> {
    await this.prisma.auditRecord.createMany({
      data: records.map((record) => ({
        ...record,
        detail: record.detail === null ? Prisma.DbNull : (record.detail as Prisma.InputJsonObject),
      })),
    });
  }

  /** Newest first. */
  list(query: AuditQuery): Promise<AuditRecord[]> {
    const { within } = query;
    // An exact prefix test: paths may hold LIKE wildcards.
    const subtree =
      within === ''
        ? Prisma.sql`TRUE`
        : Prisma.sql`(workgroup = ${within} OR left(workgroup, ${within.length + 1}) = ${`${within}/`})`;
    const filters = [subtree];
    if (query.since) filters.push(Prisma.sql`at >= ${query.since}`);
    if (query.until) filters.push(Prisma.sql`at < ${query.until}`);
    if (query.actor !== undefined) filters.push(Prisma.sql`actor = ${query.actor}`);
    if (query.action !== undefined) filters.push(Prisma.sql`action = ${query.action}`);
    if (query.node !== undefined) filters.push(Prisma.sql`${query.node} = ANY(targets)`);
    if (query.outcome !== undefined) filters.push(Prisma.sql`outcome = ${query.outcome}`);
    if (query.before !== undefined) filters.push(Prisma.sql`id < ${query.before}`);
    return this.prisma.$queryRaw<AuditRecord[]>`
      SELECT id, at, correlation_id AS "correlationId", face, actor_kind AS "actorKind", actor, workgroup, method,
             route, action, targets, status, outcome, detail
      FROM "audit_record"
      WHERE ${Prisma.join(filters, ' AND ')}
      ORDER BY id DESC
      LIMIT ${query.limit}`;
  }
}
