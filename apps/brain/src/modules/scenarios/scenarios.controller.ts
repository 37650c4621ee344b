import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { NodeAppsService } from './nodeapps.service';
import {
  ApplyScenarioDto,
  NodeAppDto,
  NodeAppVersionDto,
  ResetDto,
  ScenarioDto,
  ScenarioRunDto,
  ScenarioVersionDto,
} from './scenarios.dto';
import {
  toNodeAppDto,
  toNodeAppVersionDto,
  toRunDto,
  toScenarioDto,
  toVersionDto,
} from './scenarios.mappers';
import { ScenariosRepository, type RunWithSteps } from './scenarios.repository';
import { ScenariosService, type Caller } from './scenarios.service';
import { pageOf, parseApply, parseNodeAppRef, parseReset } from './scenarios.validation';

const caller = (request: AuthedRequest): Caller => ({
  createdBy: request.caller?.actor ?? null,
  scopePath: scopeOf(request),
});
const NODE = { kind: 'names', from: [{ in: 'param', field: 'name' }] } satisfies NodeScopeSpec;

@ApiTags('scenarios')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2')
export class ScenariosController {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly nodeApps: NodeAppsService,
    private readonly repo: ScenariosRepository,
  ) {}

  @Post('scenarios/apply')
  @HttpCode(202)
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({
    operationId: 'applyScenario',
    summary: 'Apply a target of a scenario folder (an uploaded tar, or a git URL + ref); answers the run',
  })
  @ApiResponse({ status: 202, type: ScenarioRunDto })
  @ApiResponse({
    status: 422,
    type: ApiErrorDto,
    description: 'invalid_scenario (with issues), unknown_target',
  })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'scenario_busy, scenario_exists' })
  async apply(@Body() body: ApplyScenarioDto, @Req() request: AuthedRequest): Promise<ScenarioRunDto> {
    return this.runDto(await this.scenarios.apply(parseApply(body), caller(request)));
  }

  @Get('scenarios')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'listScenarios', summary: 'Scenarios with their latest version' })
  @ApiResponse({ status: 200, type: [ScenarioDto] })
  async list(@Req() request: AuthedRequest): Promise<ScenarioDto[]> {
    const scenarios = await this.scenarios.list(caller(request));
    const latest = await this.scenarios.latestVersions(scenarios.map((s) => s.name));
    return scenarios.map((s) =>
      toScenarioDto(
        s,
        latest.find((v) => v.scenario === s.name),
      ),
    );
  }

  @Get('scenarios/:scenario')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'getScenario', summary: 'A scenario: apps, nodeapps and their versions' })
  @ApiResponse({ status: 200, type: ScenarioDto })
  @ApiResponse({ status: 404, type: ApiErrorDto })
  async get(@Param('scenario') name: string, @Req() request: AuthedRequest): Promise<ScenarioDto> {
    const scenario = await this.scenarios.get(name, caller(request));
    const [latest] = await this.scenarios.latestVersions([name]);
    return toScenarioDto(scenario, latest);
  }

  @Get('scenarios/:scenario/versions')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'listScenarioVersions', summary: 'Versions, newest first' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiResponse({ status: 200, type: [ScenarioVersionDto] })
  async versions(
    @Param('scenario') name: string,
    @Req() request: AuthedRequest,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
  ): Promise<ScenarioVersionDto[]> {
    const page = pageOf(offset, limit);
    return (await this.scenarios.versions(name, page.offset, page.limit, caller(request))).map(toVersionDto);
  }

  @Post('scenarios/:scenario/reset')
  @HttpCode(202)
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({
    operationId: 'resetScenario',
    summary: 'Every nodeapp back to a version (revert-like: a new version on top); answers the run',
  })
  @ApiResponse({ status: 202, type: ScenarioRunDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'scenario_not_found, version_not_found' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'version_ambiguous, scenario_busy' })
  async reset(
    @Param('scenario') name: string,
    @Body() body: ResetDto,
    @Req() request: AuthedRequest,
  ): Promise<ScenarioRunDto> {
    const { version, message } = parseReset(body);
    return this.runDto(await this.scenarios.reset(name, version, message, caller(request)));
  }

  @Get('scenario-runs')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'listScenarioRuns', summary: 'Recent apply runs, newest first' })
  @ApiQuery({ name: 'scenario', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiResponse({ status: 200, type: [ScenarioRunDto] })
  async runs(
    @Req() request: AuthedRequest,
    @Query('scenario') scenario?: string,
    @Query('limit') limit?: string,
  ): Promise<ScenarioRunDto[]> {
    const runs = await this.scenarios.runs(scenario, pageOf(undefined, limit, 20).limit, caller(request));
    return Promise.all(runs.map((run) => this.runDto(run)));
  }

  @Get('scenario-runs/:id')
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'getScenarioRun', summary: 'A run: its steps and their state on each node' })
  @ApiResponse({ status: 200, type: ScenarioRunDto })
  @ApiResponse({ status: 404, type: ApiErrorDto })
  async run(@Param('id') id: string, @Req() request: AuthedRequest): Promise<ScenarioRunDto> {
    return this.runDto(await this.scenarios.run(id, caller(request)));
  }

  @Get('nodes/:name/apps')
  @NodeScope(NODE)
  @ApiOperation({
    operationId: 'listNodeApps',
    summary: "A node's nodeapps, each with its latest 3 versions",
  })
  @ApiResponse({ status: 200, type: [NodeAppDto] })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'node_offline' })
  async nodeAppList(@Param('name') node: string): Promise<NodeAppDto[]> {
    return (await this.nodeApps.list(node, null, 0, 3)).map(toNodeAppDto);
  }

  @Get('nodes/:name/apps/:ref/versions')
  @NodeScope(NODE)
  @ApiOperation({ operationId: 'listNodeAppVersions', summary: "A nodeapp's versions (ref = app@scenario)" })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiResponse({ status: 200, type: [NodeAppVersionDto] })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'nodeapp_not_found' })
  async nodeAppVersions(
    @Param('name') node: string,
    @Param('ref') ref: string,
    @Query('offset') offset?: string,
    @Query('limit') limit?: string,
  ): Promise<NodeAppVersionDto[]> {
    const page = pageOf(offset, limit);
    const [app] = await this.nodeApps.list(node, parseNodeAppRef(ref), page.offset, page.limit);
    return (app?.versions ?? []).map(toNodeAppVersionDto);
  }

  @Post('nodes/:name/apps/:ref/reset')
  @HttpCode(202)
  @NodeScope(NODE)
  @ApiOperation({
    operationId: 'resetNodeApp',
    summary: 'A nodeapp back to a version of its own, then a new scenario version; answers the run',
  })
  @ApiResponse({ status: 202, type: ScenarioRunDto })
  async resetNodeApp(
    @Param('name') node: string,
    @Param('ref') ref: string,
    @Body() body: ResetDto,
    @Req() request: AuthedRequest,
  ): Promise<ScenarioRunDto> {
    const { version, message } = parseReset(body);
    const run = await this.scenarios.resetNodeApp(
      { node, ...parseNodeAppRef(ref) },
      version,
      message,
      caller(request),
    );
    return this.runDto(run);
  }

  private async runDto(run: RunWithSteps): Promise<ScenarioRunDto> {
    const taskIds = run.steps.map((s) => s.taskId).filter(Boolean);
    return toRunDto(run, taskIds.length ? await this.repo.stepInvocations(taskIds) : []);
  }
}
