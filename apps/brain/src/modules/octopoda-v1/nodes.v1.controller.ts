import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NameSource } from '../../core/auth/node-scope.decorator';
import { ScopeService } from '../scope/scope.service';
import { Audited } from '../audit/audit.decorator';
import { ApiError, V1Reply } from '../../core/http/api-error';
import { BrainInfoService } from '../nodes/brain-info.service';
import { isHealthy } from '../nodes/node-state';
import { NodesService } from '../nodes/nodes.service';
import {
  nilIfEmpty,
  parseTargetNodes,
  singleQuery,
  toV1NodeInfo,
  toV1Status,
  type V1NodeInfo,
  type V1Status,
} from './v1.mappers';
import { V1ScopeService } from './v1-scope.service';

const EMPTY = {};
const OUT_OF_SCOPE_TEXT = 'ERROR: some nodes are invalid or out of scope.';
const NAME: NameSource = { in: 'query', field: 'name' };
const TARGET_NODES: NameSource = { in: 'query', field: 'targetNodes', format: 'json' };
const answer =
  (status: number, body: unknown, asText = false) =>
  () =>
    new V1Reply(status, body, asText);

/** Octopoda's node routes (reference spec §2.2), byte-compatible answers. */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1')
export class NodesV1Controller {
  constructor(
    private readonly nodes: NodesService,
    private readonly scope: V1ScopeService,
    private readonly brain: BrainInfoService,
    private readonly scopes: ScopeService,
  ) {}

  @Get('node/info')
  @NodeScope({ kind: 'names', from: [NAME], refuse: answer(404, EMPTY) })
  async nodeInfo(@Query('name') query?: unknown): Promise<V1NodeInfo> {
    const name = singleQuery(query);
    const [node] = name ? ((await this.scope.allKnown([name])) ?? []) : [];
    if (!node) throw new V1Reply(404, EMPTY);
    return toV1NodeInfo(node);
  }

  @Get('nodes/info')
  @NodeScope({ kind: 'names', from: [TARGET_NODES], refuse: answer(400, EMPTY) })
  async nodesInfo(@Query('targetNodes') targetNodes?: unknown) {
    const names = parseTargetNodes(singleQuery(targetNodes));
    if (!names) throw new V1Reply(400, EMPTY);
    const found = await this.scope.allKnown(names);
    if (!found) throw new V1Reply(400, EMPTY);
    if ((await this.nodes.list()).length === 0) return EMPTY;
    const now = Date.now();
    const { name, version, addr } = this.brain.info;
    return {
      BrainName: name,
      BrainVersion: version,
      BrainAddr: addr.slice(0, addr.lastIndexOf(':')),
      InfoList: names
        .map((n) => found.find((node) => node.name === n))
        .filter((n) => n !== undefined)
        .map((n) => toV1NodeInfo(n, now)),
    };
  }

  @Get('node/status')
  @NodeScope({ kind: 'names', from: [NAME], allowBrain: true, refuse: answer(404, EMPTY) })
  async nodeStatus(@Query('name') query?: unknown): Promise<V1Status> {
    const name = singleQuery(query);
    if (!name) throw new V1Reply(404, EMPTY);
    try {
      return toV1Status(await this.nodes.status(name));
    } catch (error) {
      if (error instanceof ApiError) throw new V1Reply(404, EMPTY);
      throw error;
    }
  }

  /**
   * Healthy targets only. `brain` is not a member of any group here, as in Octopoda (ask /node/status for it).
   * A node that fails to answer is left out (Octopoda put an all-zero entry there, which breaks averages).
   */
  @Get('nodes/status')
  @NodeScope({ kind: 'names', from: [TARGET_NODES], refuse: answer(400, OUT_OF_SCOPE_TEXT, true) })
  async nodesStatus(@Query('targetNodes') targetNodes?: unknown): Promise<{ StatusList: V1Status[] | null }> {
    const names = parseTargetNodes(singleQuery(targetNodes));
    if (!names) throw new V1Reply(400, EMPTY);
    const found = await this.scope.allKnown(names);
    if (!found) throw new V1Reply(400, OUT_OF_SCOPE_TEXT, true);
    if ((await this.nodes.list()).length === 0) throw new V1Reply(404, EMPTY);
    const settled = await Promise.allSettled(
      found.filter(isHealthy).map((node) => this.nodes.status(node.name)),
    );
    const list = settled.flatMap((result) =>
      result.status === 'fulfilled' ? [toV1Status(result.value)] : [],
    );
    return { StatusList: nilIfEmpty(list) };
  }

  /** Removes the offline nodes among the targets (all nodes when the list is empty); others stay. */
  @Get('node/prune')
  @Audited() // a GET that deletes
  @NodeScope({ kind: 'names', from: [TARGET_NODES], refuse: answer(400, EMPTY) })
  async prune(@Req() request: AuthedRequest, @Query('targetNodes') targetNodes?: unknown): Promise<void> {
    const names = parseTargetNodes(singleQuery(targetNodes));
    if (!names) throw new V1Reply(400, EMPTY);
    const found = names.length
      ? await this.scope.allKnown(names)
      : await this.scopes.filter(await this.nodes.list(), scopeOf(request), (node) => node.name);
    if (!found) throw new V1Reply(400, EMPTY);
    for (const node of found.filter((n) => n.state === 'offline')) {
      // A node that came back between the read and the delete is simply kept.
      await this.nodes.prune(node.name).catch(() => undefined);
    }
  }

  @Post('nodes/parse')
  @NodeScope({ kind: 'filtered' })
  @HttpCode(200)
  async parse(@Body() body: unknown, @Req() request: AuthedRequest) {
    // Octopoda's octl sends `null` for "no names" (a nil Go slice): the current group.
    const names = body === null || body === undefined ? [] : body;
    if (!Array.isArray(names) || names.some((v) => typeof v !== 'string')) throw new V1Reply(400, EMPTY);
    const resolved = await this.nodes.resolve(names as string[], { scopePath: scopeOf(request) });
    return {
      OutputNames: nilIfEmpty(resolved.online),
      InvalidNames: nilIfEmpty(resolved.unknown),
      UnhealthyNodes: nilIfEmpty(resolved.unhealthy),
    };
  }
}
