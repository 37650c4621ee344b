import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ApiError } from '../../core/http/api-error';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { NodeLogsDto } from './logs.dto';
import { countQuery, MAX_LOG_DAYS, MAX_LOG_LINES } from './logs.query';
import { DEFAULT_LOG_LINES, LogsService } from './logs.service';

@ApiTags('logs')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2')
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  /** `brain` is a name only callers at the root workgroup may use (its log speaks of every workgroup's nodes). */
  @Get('nodes/:name/logs')
  @NodeScope({ kind: 'names', from: [{ in: 'param', field: 'name' }] })
  @ApiOperation({
    operationId: 'nodeLogs',
    summary: "The last lines of a node's (or the brain's) daily log files, oldest first",
  })
  @ApiQuery({ name: 'lines', required: false, type: Number, description: `default ${DEFAULT_LOG_LINES}` })
  @ApiQuery({
    name: 'days',
    required: false,
    type: Number,
    description: 'also read this many earlier days (default 0)',
  })
  @ApiOkResponse({ type: NodeLogsDto })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_request (lines or days)' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'no_logs' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'node_offline' })
  @ApiResponse({ status: 504, type: ApiErrorDto, description: 'node_timeout' })
  async tail(
    @Param('name') name: string,
    @Query('lines') linesQuery?: unknown,
    @Query('days') daysQuery?: unknown,
  ): Promise<NodeLogsDto> {
    const lines = countQuery(linesQuery, DEFAULT_LOG_LINES, MAX_LOG_LINES);
    const days = countQuery(daysQuery, 0, MAX_LOG_DAYS);
    if (lines === null)
      throw new ApiError(400, 'bad_request', `lines: a whole number up to ${MAX_LOG_LINES}`);
    if (days === null) throw new ApiError(400, 'bad_request', `days: a whole number up to ${MAX_LOG_DAYS}`);
    return this.logs.get(name, lines, days);
  }
}
