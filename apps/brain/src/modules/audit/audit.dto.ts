import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { AuditRecord } from '../../generated/prisma/client';
import { displayPath } from '../workgroup/workgroup-path';

export class ListAuditQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Only records at or after this instant' })
  since?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Only records before this instant' })
  until?: string;
  @ApiPropertyOptional({ description: 'Certificate CN, token name, workgroup path, or "anonymous"' })
  actor?: string;
  @ApiPropertyOptional({ example: 'createTask' }) action?: string;
  @ApiPropertyOptional({ description: 'Only calls that targeted this node' }) node?: string;
  @ApiPropertyOptional({ enum: ['ok', 'refused', 'failed'] }) outcome?: string;
  @ApiPropertyOptional({ description: '1..500, default 50' }) limit?: string;
  @ApiPropertyOptional({ description: 'Only records older than this id (nextBefore of the previous page)' })
  before?: string;
}

@ApiSchema({ name: 'AuditRecord' })
export class AuditRecordDto {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ format: 'date-time', description: 'When the call arrived' }) at!: string;
  @ApiProperty({ description: 'Also in the response header x-correlation-id and the request log' })
  correlationId!: string;
  @ApiProperty({ enum: ['v1', 'v2'] }) face!: string;
  @ApiProperty({ enum: ['certificate', 'token', 'workgroup', 'anonymous'] }) actorKind!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ description: 'The workgroup the call acted in ("/" is the root)' }) workgroup!: string;
  @ApiProperty() method!: string;
  @ApiProperty({ example: '/api/v2/tasks' }) route!: string;
  @ApiProperty({ example: 'createTask' }) action!: string;
  @ApiProperty({ type: [String] }) targets!: string[];
  @ApiProperty() status!: number;
  @ApiProperty({ enum: ['ok', 'refused', 'failed'] }) outcome!: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'Route parameters, the error code, and what the route adds',
  })
  detail!: Record<string, unknown> | null;
}

export class AuditList {
  @ApiProperty({ type: [AuditRecordDto] }) items!: AuditRecordDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next (older) page' })
  nextBefore!: string | null;
}

export function toAuditRecordDto(record: AuditRecord): AuditRecordDto {
  return {
    id: record.id.toString(),
    at: record.at.toISOString(),
    correlationId: record.correlationId,
    face: record.face,
    actorKind: record.actorKind,
    actor: record.actor,
    workgroup: displayPath(record.workgroup),
    method: record.method,
    route: record.route,
    action: record.action,
    targets: record.targets,
    status: record.status,
    outcome: record.outcome,
    detail: (record.detail ?? null) as Record<string, unknown> | null,
  };
}
