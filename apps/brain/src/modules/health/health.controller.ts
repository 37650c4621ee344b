import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { NodeScope } from '../../core/auth/node-scope.decorator';

@ApiSchema({ name: 'Health' })
export class HealthDto {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
}

@ApiTags('health')
@Controller()
export class HealthController {
  @Get('healthz')
  @AccessLevel('public')
  @NodeScope({ kind: 'none' })
  @ApiOperation({ operationId: 'health', summary: 'Liveness of the API process' })
  @ApiOkResponse({ type: HealthDto })
  health(): HealthDto {
    return { status: 'ok' };
  }
}
