import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { ScopeService } from '../scope/scope.service';
import { ApiError } from '../../core/http/api-error';
import { BrainInfoService } from './brain-info.service';
import {
  ApiErrorDto,
  ListNodesQuery,
  NodeDto,
  NodeList,
  NodeStatusDto,
  ResolveNodesRequest,
  ResolveNodesResult,
  toNodeDto,
} from './nodes.dto';
import { NodesService } from './nodes.service';

const STATES = ['online', 'unstable', 'offline'];
/** A node outside the caller's scope does not exist for it. */
const NAMED_NODE = {
  kind: 'names',
  from: [{ in: 'param', field: 'name' }],
  refuse: ([name]) => ApiError.notFound('node_not_found', `no node named "${name}"`),
} satisfies NodeScopeSpec;

@ApiTags('nodes')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2/nodes')
export class NodesController {
  constructor(
    private readonly nodes: NodesService,
    private readonly brain: BrainInfoService,
    private readonly scope: ScopeService,
  ) {}

  @Get()
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'listNodes', summary: 'Every node this brain knows, sorted by name' })
  @ApiOkResponse({ type: NodeList })
  async list(@Query() query: ListNodesQuery, @Req() request: AuthedRequest): Promise<NodeList> {
    if (query.state !== undefined && !STATES.includes(query.state)) {
      throw new ApiError(400, 'bad_state', `state must be one of ${STATES.join(', ')}`);
    }
    const nodes = await this.scope.filter(
      await this.nodes.list(query.state),
      scopeOf(request),
      (n) => n.name,
    );
    return { brain: this.brain.info, nodes: nodes.map(toNodeDto) };
  }

  @Post('resolve')
  @NodeScope({ kind: 'filtered' })
  @HttpCode(200)
  @ApiOperation({ operationId: 'resolveNodes', summary: 'Expand names and @groups and split them by health' })
  @ApiOkResponse({ type: ResolveNodesResult })
  async resolve(
    @Body() body: ResolveNodesRequest,
    @Req() request: AuthedRequest,
  ): Promise<ResolveNodesResult> {
    if (!body || !Array.isArray(body.targets) || body.targets.some((t) => typeof t !== 'string')) {
      throw new ApiError(400, 'bad_targets', 'body must be {"targets": [string, ...]}');
    }
    return this.nodes.resolve(body.targets, { bareAll: true, scopePath: scopeOf(request) });
  }

  @Get(':name')
  @NodeScope(NAMED_NODE)
  @ApiOperation({ operationId: 'getNode', summary: 'One node' })
  @ApiOkResponse({ type: NodeDto })
  @ApiResponse({ status: 404, type: ApiErrorDto })
  async get(@Param('name') name: string): Promise<NodeDto> {
    return toNodeDto(await this.nodes.get(name));
  }

  @Get(':name/status')
  @NodeScope({ ...NAMED_NODE, allowBrain: true })
  @ApiOperation({
    operationId: 'getNodeStatus',
    summary: "A fresh status report from the node; 'brain' is the brain's host",
  })
  @ApiOkResponse({ type: NodeStatusDto })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'node_not_online' })
  @ApiResponse({ status: 504, type: ApiErrorDto, description: 'node_timeout' })
  status(@Param('name') name: string): Promise<NodeStatusDto> {
    return this.nodes.status(name);
  }

  @Delete(':name')
  @NodeScope(NAMED_NODE)
  @HttpCode(204)
  @ApiOperation({ operationId: 'pruneNode', summary: 'Forget an offline node' })
  @ApiResponse({ status: 204, description: 'pruned' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'node_not_offline' })
  async prune(@Param('name') name: string): Promise<void> {
    await this.nodes.prune(name);
  }
}
