import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { pakmaCommandSchema } from '@octopod/protocol';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ApiError } from '../../core/http/api-error';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { NodesService } from '../nodes/nodes.service';
import { ScopeService } from '../scope/scope.service';
import {
  PakmaCommandRequest,
  PakmaResults,
  RolloutDto,
  RolloutList,
  RolloutRequestDto,
  toPakmaResultDto,
  toRolloutDto,
} from './pakma.dto';
import { BRAIN_NODE, PakmaService } from './pakma.service';
import type { RolloutWave } from './rollout-plan';
import { RolloutsService } from './rollouts.service';

const TARGETS = { kind: 'names', from: [{ in: 'body', field: 'targets', format: 'targets' }] } as const;

@ApiTags('pakma')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2')
export class PakmaController {
  constructor(
    private readonly pakma: PakmaService,
    private readonly rollouts: RolloutsService,
    private readonly nodes: NodesService,
    private readonly scope: ScopeService,
  ) {}

  @Post('pakma')
  @HttpCode(200)
  @NodeScope({ ...TARGETS, from: [...TARGETS.from] })
  @ApiOperation({
    operationId: 'pakmaCommand',
    summary: "One pakma command (state, upgrade, confirm, history, …) to nodes' and/or the brain's pakma",
  })
  @ApiOkResponse({ type: PakmaResults })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_request' })
  async command(@Body() body: PakmaCommandRequest, @Req() request: AuthedRequest): Promise<PakmaResults> {
    const { targets, ...rest } = (body ?? {}) as Partial<PakmaCommandRequest>;
    const parsed = pakmaCommandSchema.safeParse(rest);
    if (!parsed.success)
      throw new ApiError(
        400,
        'bad_request',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    if ((parsed.data.command === 'install' || parsed.data.command === 'upgrade') && !parsed.data.version)
      throw new ApiError(400, 'bad_request', `version: ${parsed.data.command} needs one`);
    if (!Array.isArray(targets) || targets.length === 0 || targets.some((t) => typeof t !== 'string'))
      throw new ApiError(400, 'bad_request', 'targets: a list of nodes, @groups or brain');
    const others = targets.filter((t) => t !== BRAIN_NODE);
    const resolved = others.length
      ? await this.nodes.resolve(others, { scopePath: scopeOf(request) })
      : undefined;
    if (resolved?.unknown.length)
      throw new ApiError(422, 'unknown_targets', `unknown nodes or groups: ${resolved.unknown.join(', ')}`);
    const names = [
      ...(targets.includes(BRAIN_NODE) ? [BRAIN_NODE] : []),
      ...(resolved ? [...resolved.online, ...resolved.unhealthy] : []),
    ];
    return { results: (await this.pakma.command(names, parsed.data)).map(toPakmaResultDto) };
  }

  @Post('rollouts')
  @HttpCode(201)
  @NodeScope({ ...TARGETS, from: [...TARGETS.from] })
  @ApiOperation({
    operationId: 'startRollout',
    summary: 'Upgrade nodes to a release version in waves (1, 10%, rest); a failed wave stops the rest',
  })
  @ApiResponse({ status: 201, type: RolloutDto })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_request' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'nodes_not_online, rollout_busy' })
  async start(@Body() body: RolloutRequestDto, @Req() request: AuthedRequest): Promise<RolloutDto> {
    const { version, targets, waves, waveTimeoutSeconds, pollSeconds } = (body ??
      {}) as Partial<RolloutRequestDto>;
    if (typeof version !== 'string') throw new ApiError(400, 'bad_request', 'version: required, e.g. 1.2.3');
    if (
      !Array.isArray(targets) ||
      targets.length === 0 ||
      targets.some((t) => typeof t !== 'string' || t === BRAIN_NODE)
    )
      throw new ApiError(400, 'bad_request', 'targets: a list of nodes or @groups (not brain)');
    const rollout = await this.rollouts.start({
      version,
      targets,
      waves,
      waveTimeoutSeconds,
      pollSeconds,
      createdBy: request.caller?.actor ?? 'unknown',
      scopePath: scopeOf(request),
    });
    return toRolloutDto(rollout);
  }

  @Get('rollouts')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({
    operationId: 'listRollouts',
    summary: 'Recent rollouts whose nodes are all in scope, newest first',
  })
  @ApiOkResponse({ type: RolloutList })
  async list(@Req() request: AuthedRequest): Promise<RolloutList> {
    const visible = await this.visible(request);
    return { rollouts: (await this.rollouts.list()).filter(visible).map(toRolloutDto) };
  }

  @Get('rollouts/:id')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'getRollout', summary: "A rollout: its waves and each node's state" })
  @ApiOkResponse({ type: RolloutDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'rollout_not_found' })
  async get(@Param('id') id: string, @Req() request: AuthedRequest): Promise<RolloutDto> {
    const rollout = await this.rollouts.get(id);
    if (!(await this.visible(request))(rollout))
      throw ApiError.notFound('rollout_not_found', `no rollout ${id}`);
    return toRolloutDto(rollout);
  }

  /** A rollout is visible when every node it touches is in the caller's scope. */
  private async visible(request: AuthedRequest): Promise<(rollout: { waves: unknown }) => boolean> {
    const members = await this.scope.membersOf(scopeOf(request));
    return (rollout) =>
      !members ||
      (rollout.waves as RolloutWave[]).every((wave) => wave.nodes.every((node) => members.has(node.node)));
  }
}
