import { Injectable } from '@nestjs/common';
import type { AuditRecord } from '../../generated/prisma/client';
import { ApiError } from '../../core/http/api-error';
import type { ListAuditQuery } from './audit.dto';
import { AuditRepository, type AuditQuery } from './audit.repository';
import { AuditWriter } from './audit.writer';

const OUTCOMES = ['ok', 'refused', 'failed'];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

const bad = (message: string) => new ApiError(400, 'bad_audit_query', message);

function instant(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw bad(`${name} must be an ISO date-time`);
  return date;
}

/** Checks the listing's query string; `within` is the caller's workgroup. */
export function parseAuditQuery(query: ListAuditQuery, within: string): AuditQuery {
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && typeof value !== 'string') throw bad(`${name} may be given once`);
  }
  const limit = query.limit === undefined ? DEFAULT_LIMIT : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw bad(`limit must be 1..${MAX_LIMIT}`);
  if (query.before !== undefined && !/^\d{1,19}$/.test(query.before))
    throw bad('before must be a record id (nextBefore)');
  if (query.outcome !== undefined && !OUTCOMES.includes(query.outcome))
    throw bad(`outcome must be one of ${OUTCOMES.join(', ')}`);
  return {
    within,
    since: instant('since', query.since),
    until: instant('until', query.until),
    actor: query.actor,
    action: query.action,
    node: query.node,
    outcome: query.outcome,
    before: query.before === undefined ? undefined : BigInt(query.before),
    limit,
  };
}

@Injectable()
export class AuditService {
  constructor(
    private readonly records: AuditRepository,
    private readonly writer: AuditWriter,
  ) {}

  /** Newest first. What this process has queued is written first, so a caller sees its own latest calls. */
  async list(query: AuditQuery): Promise<AuditRecord[]> {
    await this.writer.flush();
    return this.records.list(query);
  }
}
