import { Body, Controller, Delete, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AccessLevel } from '../../core/auth/access.decorator';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ROOT_PATH } from '../workgroup/workgroup-path';
import type { AuditedRequest } from '../audit/audit-request';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { ApiTokenDto, ApiTokenList, LoginRequest, LoginResult, toApiTokenDto } from './tokens.dto';
import { LoginThrottled, parseLogin, TokensService } from './tokens.service';

const rootPathOf = (request: AuditedRequest): string => request.caller?.rootPath ?? ROOT_PATH;

@ApiTags('tokens')
@ApiBearerAuth()
@AccessLevel('api')
@NodeScope({ kind: 'none' })
@Controller('api/v2')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post('auth/login')
  @AccessLevel('public')
  @ApiOperation({
    operationId: 'login',
    summary: "Trade a workgroup's password for an API token bound to that workgroup",
  })
  @ApiResponse({ status: 201, type: LoginResult })
  @ApiResponse({ status: 401, type: ApiErrorDto, description: 'bad_credentials' })
  @ApiResponse({ status: 429, type: ApiErrorDto, description: 'too_many_attempts (with Retry-After)' })
  async login(
    @Body() body: LoginRequest,
    @Req() request: AuditedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResult> {
    const input = parseLogin(body);
    request.auditNote = { workgroup: input.path };
    try {
      const { token, record } = await this.tokens.login(input, request.socket.remoteAddress ?? 'unknown');
      request.auditNote = {
        actorKind: 'token',
        actor: record.name,
        workgroup: record.path,
        detail: { tokenId: record.id },
      };
      const { id, name, path, expiresAt } = toApiTokenDto(record);
      return { token, id, name, path, expiresAt };
    } catch (error) {
      if (error instanceof LoginThrottled) response.setHeader('Retry-After', String(error.retryAfterSeconds));
      throw error;
    }
  }

  @Get('tokens')
  @ApiOperation({
    operationId: 'listTokens',
    summary: "Tokens of the caller's workgroup and below (no secrets)",
  })
  @ApiOkResponse({ type: ApiTokenList })
  async list(@Req() request: AuditedRequest): Promise<ApiTokenList> {
    const now = Date.now();
    return { items: (await this.tokens.list(rootPathOf(request))).map((t) => toApiTokenDto(t, now)) };
  }

  @Delete('tokens/:id')
  @ApiOperation({ operationId: 'revokeToken', summary: 'Revoke a token at once' })
  @ApiOkResponse({ type: ApiTokenDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'token_not_found' })
  async revoke(@Param('id') id: string, @Req() request: AuditedRequest): Promise<ApiTokenDto> {
    return toApiTokenDto(await this.tokens.revoke(id, rootPathOf(request)));
  }
}
