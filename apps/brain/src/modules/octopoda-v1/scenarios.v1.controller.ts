import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { V1Reply } from '../../core/http/api-error';
import { Audited } from '../audit/audit.decorator';
import { ScenariosRepository } from '../scenarios/scenarios.repository';
import { ScenariosService } from '../scenarios/scenarios.service';
import type { ExecutionResult } from './execution-result';
import {
  asResetResult,
  isNodeAppName,
  pageQuery,
  toV1ScenarioDigest,
  toV1ScenarioInfo,
  toV1ScenarioVersion,
  type V1ScenarioDigest,
  type V1ScenarioInfo,
  type V1Version,
} from './scenario.v1.mappers';
import { ScenariosV1Service } from './scenarios.v1.service';
import { formField, jsonNull, orV1, singleQuery, v1Caller, v1Result, type V1Result } from './v1.mappers';

const WRONG_ARGS = 'ERROR: Wrong Args';
const RESET_WRONG_ARGS =
  'ERROR: Wrong Args. (should specific name and prefix. prefix length should be in [2, 40])';
const answer = (status: number, rmsg: string) => new V1Reply(status, v1Result(rmsg));
const notExists = () => answer(404, 'ERROR: Scenario Not Exists');

/**
 * Octopoda's scenario routes (reference spec §2.2, §10, §11), over the same service as /api/v2/scenarios. A
 * scenario belongs to the workgroup that created it: callers see those of their workgroup and below, and one they
 * cannot see answers as a missing one. Changes run as scenario runs, which these routes wait for.
 */
@ApiExcludeController()
@AccessLevel('octopoda')
@NodeScope({ kind: 'filtered' })
@Controller('api/v1')
export class ScenariosV1Controller {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly repo: ScenariosRepository,
    private readonly v1: ScenariosV1Service,
  ) {}

  @Get('scenarios/info')
  async scenarioList(@Req() request: AuthedRequest): Promise<V1ScenarioDigest[]> {
    const scenarios = await this.scenarios.list(v1Caller(request));
    const latest = await this.scenarios.latestVersions(scenarios.map((s) => s.name));
    return scenarios.map((s) =>
      toV1ScenarioDigest(
        s,
        latest.find((v) => v.scenario === s.name),
      ),
    );
  }

  @Get('scenario/info')
  async scenarioInfo(@Req() request: AuthedRequest, @Query('name') query?: unknown): Promise<V1ScenarioInfo> {
    const name = singleQuery(query);
    if (name === undefined) throw answer(404, 'Lack scenario name');
    const scenario = await orV1(this.scenarios.get(name, v1Caller(request)), () =>
      answer(404, 'Error: GetScenarioInfoByName'),
    );
    const [latest] = await this.scenarios.latestVersions([scenario.name]);
    return toV1ScenarioInfo(scenario, latest);
  }

  /** Creates an empty scenario in the caller's workgroup; refused when the name is taken (in any workgroup). */
  @Post('scenario/info')
  @HttpCode(200)
  async scenarioCreate(@Req() request: AuthedRequest, @Body() form: unknown): Promise<V1Result> {
    const [name, description] = [formField(form, 'name'), formField(form, 'description')];
    if (!isNodeAppName(name) || !description) throw answer(400, WRONG_ARGS);
    if (!(await this.repo.create(name, description, scopeOf(request))))
      throw answer(404, 'ERROR: Scenario Exists');
    return v1Result('OK');
  }

  /** Removes every nodeapp from its node, then the scenario; one entry per nodeapp. */
  @Delete('scenario/info')
  async scenarioDelete(
    @Req() request: AuthedRequest,
    @Query('name') query?: unknown,
  ): Promise<ExecutionResult[]> {
    const name = singleQuery(query);
    if (!name) throw answer(400, 'Lack scenario name');
    const run = await orV1(this.scenarios.remove(name, v1Caller(request)), (error) =>
      error.code === 'scenario_not_found' ? notExists() : undefined,
    );
    return this.v1.nodeAppResults(run, 'remove');
  }

  /** Records a version when a nodeapp changed since the last one; `Modified` says whether it did. */
  @Post('scenario/update')
  @HttpCode(200)
  async scenarioUpdate(@Req() request: AuthedRequest, @Body() form: unknown): Promise<V1Result> {
    const [name, message] = [formField(form, 'name'), formField(form, 'message')];
    if (!name || !message) throw answer(400, 'Lack scenario name or message');
    const run = await orV1(this.scenarios.update(name, message, v1Caller(request)), (error) =>
      error.code === 'scenario_not_found' ? answer(404, 'ERROR: UpdateScenario') : undefined,
    );
    return v1Result('OK', { Modified: await this.v1.madeVersion(run) });
  }

  /** Versions newest first; Go's `null` past the end or for a scenario the caller cannot see. */
  @Get('scenario/version')
  async scenarioVersions(
    @Req() request: AuthedRequest,
    @Query('name') query?: unknown,
    @Query('offset') offset?: unknown,
    @Query('limit') limit?: unknown,
  ): Promise<V1Version[]> {
    const name = singleQuery(query);
    if (name === undefined) throw answer(404, 'Lack Name');
    const page = pageQuery(singleQuery(offset), singleQuery(limit));
    if ('bad' in page) throw answer(400, `ERROR: Wrong Args: ${page.bad}`);
    if (page.offset < 0 || page.limit <= 0) throw jsonNull();
    const versions = await orV1(
      this.scenarios.versions(name, page.offset, page.limit, v1Caller(request)),
      (error) => (error.getStatus() === 404 ? jsonNull() : undefined),
    );
    if (versions.length === 0) throw jsonNull();
    return versions.map(toV1ScenarioVersion);
  }

  /** Every nodeapp back to its version in the version `version` (a hash prefix) names, then that version again. */
  @Post('scenario/version')
  @HttpCode(200)
  async scenarioReset(@Req() request: AuthedRequest, @Body() form: unknown): Promise<ExecutionResult[]> {
    const [name, prefix, message] = ['name', 'version', 'message'].map((key) => formField(form, key));
    if (!name || !message || prefix.length < 2 || prefix.length > 40) throw answer(400, RESET_WRONG_ARGS);
    const run = await orV1(this.scenarios.reset(name, prefix, message, v1Caller(request)), (error) => {
      if (error.code === 'scenario_not_found') return notExists();
      // Octopoda matches prefixes as text: one that is not hex names no version.
      if (error.code === 'version_not_found' || error.code === 'bad_version')
        return answer(404, 'ERROR: Version Not Exists');
      if (error.code === 'version_ambiguous') return answer(404, 'ERROR: Version Ambiguity');
      return undefined;
    });
    return (await this.v1.nodeAppResults(run, 'reset')).map(asResetResult);
  }

  /** Re-reads every nodeapp's HEAD from its node and records a version "System Data Fix" if any differed. */
  @Get('scenario/fix')
  @Audited() // a GET that records versions
  async scenarioFix(@Req() request: AuthedRequest, @Query('name') query?: unknown): Promise<V1Result> {
    const name = singleQuery(query);
    if (name === undefined) throw answer(404, 'Lack scenario name');
    const failed = await orV1(this.v1.fix(name, v1Caller(request)));
    // Octopoda wrote this 400 body and then a 200 one after it; only the first is sent here.
    if (failed) throw answer(400, `Fix:${failed}`);
    return v1Result('OK');
  }
}
