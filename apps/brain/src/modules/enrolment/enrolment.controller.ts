import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ApiErrorDto } from '../nodes/nodes.dto';
import {
  CreatedJoinTokenDto,
  CreateJoinTokenRequest,
  EnrolmentCaDto,
  EnrolmentDto,
  EnrolRequestDto,
  JoinTokenList,
  RevocationDto,
  toJoinTokenDto,
} from './enrolment.dto';
import { EnrolmentService } from './enrolment.service';
import { parseCreateToken, parseEnrol } from './enrolment.validation';
import { RevocationService } from './revocation.service';
import { SigningCa } from './signing-ca';

const actorOf = (request: AuthedRequest) => request.caller?.actor ?? 'unknown';

/**
 * Join tokens, enrolment and revocation. Tokens and revocation are fleet administration (root scope); enrolment is
 * public: the join token is the credential.
 */
@ApiTags('enrolment')
@Controller('api/v2')
export class EnrolmentController {
  constructor(
    private readonly enrolment: EnrolmentService,
    private readonly revocations: RevocationService,
    private readonly ca: SigningCa,
  ) {}

  @Post('nodes/tokens')
  @AccessLevel('api')
  @NodeScope({ kind: 'root' })
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'createJoinToken',
    summary: 'Make a single-use, expiring join token for a new node',
  })
  @ApiResponse({ status: 201, type: CreatedJoinTokenDto })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_ttl, bad_node_name' })
  @ApiResponse({ status: 503, type: ApiErrorDto, description: 'enrolment_disabled' })
  async createToken(
    @Body() body: CreateJoinTokenRequest,
    @Req() request: AuthedRequest,
  ): Promise<CreatedJoinTokenDto> {
    const created = await this.enrolment.createToken(parseCreateToken(body), actorOf(request));
    return { ...created, expiresAt: created.expiresAt.toISOString() };
  }

  @Get('nodes/tokens')
  @AccessLevel('api')
  @NodeScope({ kind: 'root' })
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'listJoinTokens', summary: 'Join tokens that can still be used (no secrets)' })
  @ApiOkResponse({ type: JoinTokenList })
  async listTokens(): Promise<JoinTokenList> {
    return { tokens: (await this.enrolment.listTokens()).map(toJoinTokenDto) };
  }

  @Post('nodes/:name/revoke')
  @AccessLevel('api')
  @NodeScope({ kind: 'root' })
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({
    operationId: 'revokeNode',
    summary: "Revoke a node's certificates and close its connection; it can come back only by enrolling anew",
  })
  @ApiOkResponse({ type: RevocationDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'node_not_found' })
  async revoke(@Param('name') name: string, @Req() request: AuthedRequest): Promise<RevocationDto> {
    request.scopeTargets = [name]; // for the audit trail
    const outcome = await this.revocations.revoke(name, actorOf(request));
    return { ...outcome, revokedAt: outcome.revokedAt.toISOString() };
  }

  @Get('enrol/ca')
  @AccessLevel('public')
  @NodeScope({ kind: 'none' })
  @ApiOperation({
    operationId: 'getEnrolmentCa',
    summary:
      "The brain's CA certificate, for a new node to check against the fingerprint pinned in its token",
  })
  @ApiOkResponse({ type: EnrolmentCaDto })
  enrolmentCa(): EnrolmentCaDto {
    return { caCertificate: this.ca.certPem, fingerprint: this.ca.fingerprint, enabled: this.ca.enabled };
  }

  @Post('enrol')
  @AccessLevel('public')
  @NodeScope({ kind: 'none' })
  @ApiOperation({
    operationId: 'enrol',
    summary: 'A new node trades a join token and a CSR for its certificate (no client certificate needed)',
  })
  @ApiResponse({ status: 201, type: EnrolmentDto })
  @ApiResponse({
    status: 400,
    type: ApiErrorDto,
    description: 'bad_request, bad_join_token, bad_node_name, reserved_name, bad_csr, csr_name_mismatch',
  })
  @ApiResponse({
    status: 401,
    type: ApiErrorDto,
    description: 'join_token_unknown, join_token_expired, join_token_other_ca',
  })
  @ApiResponse({ status: 403, type: ApiErrorDto, description: 'join_token_wrong_name' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'join_token_used, node_name_taken' })
  @ApiResponse({ status: 503, type: ApiErrorDto, description: 'enrolment_disabled' })
  async enrol(@Body() body: EnrolRequestDto, @Req() request: AuthedRequest): Promise<EnrolmentDto> {
    const enrolRequest = parseEnrol(body);
    request.scopeTargets = [enrolRequest.name]; // for the audit trail
    const enrolment = await this.enrolment.enrol(enrolRequest);
    return { ...enrolment, expiresAt: enrolment.expiresAt.toISOString() };
  }
}
