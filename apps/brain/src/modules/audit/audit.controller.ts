import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { ROOT_PATH } from '../workgroup/workgroup-path';
import { AuditList, ListAuditQuery, toAuditRecordDto } from './audit.dto';
import { AuditService, parseAuditQuery } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  // Records of the caller's workgroup and the groups below it.
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'listAudit', summary: 'The audit trail of mutating calls, newest first' })
  @ApiOkResponse({ type: AuditList })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_audit_query' })
  async list(@Query() query: ListAuditQuery, @Req() request: AuthedRequest): Promise<AuditList> {
    const parsed = parseAuditQuery(query, request.caller?.scopePath ?? ROOT_PATH);
    const records = await this.audit.list(parsed);
    const last = records.at(-1);
    return {
      items: records.map(toAuditRecordDto),
      nextBefore: records.length === parsed.limit && last ? last.id.toString() : null,
    };
  }
}
