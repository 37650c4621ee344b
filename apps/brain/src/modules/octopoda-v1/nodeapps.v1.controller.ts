import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NodeAppRef } from '@octopod/protocol';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NameSource } from '../../core/auth/node-scope.decorator';
import { ApiError, V1Reply } from '../../core/http/api-error';
import { NodeAppsService, type NodeAppView } from '../scenarios/nodeapps.service';
import { ScenariosService } from '../scenarios/scenarios.service';
import {
  isNodeAppName,
  pageQuery,
  toV1NodeAppDigest,
  toV1NodeAppInfo,
  toV1NodeAppVersion,
  type V1NodeAppDigest,
  type V1NodeAppInfo,
  type V1Version,
} from './scenario.v1.mappers';
import { ScenariosV1Service } from './scenarios.v1.service';
import { formField, jsonNull, orV1, singleQuery, v1Caller, v1Result, type V1Result } from './v1.mappers';
import { V1ScopeService } from './v1-scope.service';

const OUT_OF_SCOPE = 'ERROR: some nodes are invalid or out of scope.';
const WRONG_ARGS = 'ERROR: Wrong Args';
const NAME_IN_QUERY: NameSource = { in: 'query', field: 'name' };
const answer = (status: number, rmsg: string) => new V1Reply(status, v1Result(rmsg));
/** Octopoda's answer when its request to the node failed: the handler's name. */
const nodeFailed = (route: string) => () => answer(404, route);
const NO_APP = () => answer(404, 'No app or version');

/** A nodeapp named by `name`, `app` and `scenario` (query or form); null when one is missing. */
function nodeAppOf(source: unknown): { node: string; ref: NodeAppRef } | null {
  const [node, app, scenario] = ['name', 'app', 'scenario'].map((key) => formField(source, key));
  return node && app && scenario ? { node, ref: { app, scenario } } : null;
}

const validRef = (ref: NodeAppRef) => isNodeAppName(ref.app) && isNodeAppName(ref.scenario);

/**
 * Octopoda's nodeapp routes (reference spec §2.2, §11): what a node holds, asked of the node itself, and a
 * nodeapp's reset. Octopoda checked the scope only for /node/apps; here every route does, and a node outside it
 * answers as an unreachable one.
 */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1/node')
export class NodeAppsV1Controller {
  constructor(
    private readonly nodeApps: NodeAppsService,
    private readonly scenarios: ScenariosService,
    private readonly v1: ScenariosV1Service,
    private readonly scope: V1ScopeService,
  ) {}

  /** Every nodeapp on the node with its current version; Go's `null` when it has none. */
  @Get('apps')
  @NodeScope({ kind: 'names', from: [NAME_IN_QUERY], refuse: () => answer(400, OUT_OF_SCOPE) })
  async nodeAppList(@Query('name') query?: unknown): Promise<V1NodeAppDigest[]> {
    const node = singleQuery(query);
    if (node === undefined) throw answer(404, 'Lack node name');
    if (!(await this.scope.allKnown([node]))) throw answer(400, OUT_OF_SCOPE);
    const apps = await orV1(this.nodeApps.list(node, null, 0, 1), nodeFailed('NodeAppsInfo'));
    if (apps.length === 0) throw jsonNull();
    return apps.map(toV1NodeAppDigest);
  }

  /** One nodeapp with its latest 3 versions; `{}` when the node has no such nodeapp. */
  @Get('app/info')
  @NodeScope({ kind: 'names', from: [NAME_IN_QUERY], refuse: nodeFailed('NodeAppInfo') })
  async nodeAppInfo(@Query() query: unknown): Promise<V1NodeAppInfo | Record<string, never>> {
    const named = nodeAppOf(query);
    if (!named) throw answer(400, WRONG_ARGS);
    const app = await this.ask(named.node, named.ref, 0, 3, 'NodeAppInfo');
    return app ? toV1NodeAppInfo(app) : {};
  }

  /** A nodeapp's versions newest first, from `offset`, at most `limit` (5). */
  @Get('app/version')
  @NodeScope({ kind: 'names', from: [NAME_IN_QUERY], refuse: nodeFailed('NodeAppVersion') })
  async nodeAppVersions(@Query() query: unknown): Promise<V1Version[]> {
    const named = nodeAppOf(query);
    if (!named) throw answer(400, WRONG_ARGS);
    const page = pageQuery(formField(query, 'offset'), formField(query, 'limit'));
    if ('bad' in page) throw answer(400, `ERROR: Wrong Args: ${page.bad}`);
    if (page.offset < 0 || page.limit <= 0) return [];
    const limit = Math.min(page.limit, 10_000);
    const app = await this.ask(named.node, named.ref, page.offset, limit, 'NodeAppVersion');
    return (app?.versions ?? []).map(toV1NodeAppVersion);
  }

  /**
   * The nodeapp back to one of its versions (a hash prefix), as a new commit; the brain records it and makes a
   * new scenario version with `message`. Answers the node's Result: the new HEAD as `Version`.
   */
  @Post('app/version')
  @HttpCode(200)
  @NodeScope({
    kind: 'names',
    from: [{ in: 'body', field: 'name' }],
    refuse: nodeFailed('NodeAppsInfo'),
  })
  async nodeAppReset(@Req() request: AuthedRequest, @Body() form: unknown): Promise<V1Result> {
    const named = nodeAppOf(form);
    const [prefix, message] = [formField(form, 'version'), formField(form, 'message')];
    if (!named || !prefix || !message) throw answer(400, WRONG_ARGS);
    if (!validRef(named.ref) || !(await this.ask(named.node, named.ref, 0, 0, 'NodeAppsInfo'))) {
      throw NO_APP();
    }
    const run = await orV1(
      this.scenarios.resetNodeApp({ node: named.node, ...named.ref }, prefix, message, v1Caller(request)),
      (error) => (error.getStatus() === 404 ? NO_APP() : undefined),
    );
    const outcome = await this.v1.resetOutcome(run);
    if (!outcome) throw NO_APP();
    return v1Result('OK', { Version: outcome.version, Modified: true });
  }

  /** The node's nodeapp, undefined when it has none by that name; Octopoda's 404 when the node cannot answer. */
  private async ask(
    node: string,
    ref: NodeAppRef,
    offset: number,
    limit: number,
    route: string,
  ): Promise<NodeAppView | undefined> {
    if (!validRef(ref)) return undefined;
    try {
      return (await this.nodeApps.list(node, ref, offset, limit))[0];
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'nodeapp_not_found') return undefined;
      throw nodeFailed(route)();
    }
  }
}
