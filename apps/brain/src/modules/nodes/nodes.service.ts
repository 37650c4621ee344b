import { Inject, Injectable } from '@nestjs/common';
import { nodeStatusSchema, ProtocolError, type NodeStatus } from '@octopod/protocol';
import type { Node } from '../../generated/prisma/client';
import { ApiError } from '../../core/http/api-error';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { SessionRegistry } from '../sessions/session-registry';
import { HostStatusService } from '../host-status/host-status.service';
import { ScopeService } from '../scope/scope.service';
import { WorkgroupService } from '../workgroup/workgroup.service';
import { NodeEvents } from './node-events';
import { NodesRepository } from './nodes.repository';
import { BRAIN_NODE, type NodeStateName } from './node-state';
import { ROOT_PATH } from '../workgroup/workgroup.service';

const STATUS_TIMEOUT_MS = 5_000;

export interface ResolvedTargets {
  online: string[];
  unhealthy: string[];
  unknown: string[];
}

/** Octopoda's words for "every node in the current group"; octl also accepts a bare `ALL`. */
const WHOLE_SCOPE = new Set(['@', '@ALL', '@all']);

export interface ResolveOptions {
  /** Accept a bare `ALL` as the whole scope (octl's convenience; Octopoda's brain treats it as a name). */
  bareAll?: boolean;
  /** The caller's current workgroup (default: the root): names outside it are unknown, `@g` is relative to it. */
  scopePath?: string;
}

@Injectable()
export class NodesService {
  constructor(
    private readonly nodes: NodesRepository,
    private readonly sessions: SessionRegistry,
    private readonly hostStatus: HostStatusService,
    private readonly scope: ScopeService,
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly workgroups: WorkgroupService,
    private readonly events: NodeEvents,
  ) {}

  list(state?: NodeStateName): Promise<Node[]> {
    return this.nodes.list(state);
  }

  listByNames(names: string[]): Promise<Node[]> {
    return this.nodes.listByNames(names);
  }

  async get(name: string): Promise<Node> {
    const node = await this.nodes.find(name);
    if (!node) throw ApiError.notFound('node_not_found', `no node named "${name}"`);
    return node;
  }

  /** A fresh status report from the node (or from the brain's host for `brain`). */
  async status(name: string): Promise<NodeStatus> {
    if (name === BRAIN_NODE) return this.hostStatus.status(this.config.name);
    const node = await this.get(name);
    const session = this.sessions.get(name);
    if (node.state !== 'online' || !session) {
      throw ApiError.conflict('node_not_online', `node "${name}" is ${node.state}, not online`);
    }
    try {
      const reply = await session.request('status.get', {}, STATUS_TIMEOUT_MS);
      const status = nodeStatusSchema.parse(reply.body);
      await this.nodes.saveStatus(name, status, new Date());
      return status;
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'timeout') {
        throw new ApiError(
          504,
          'node_timeout',
          `node "${name}" did not answer within ${STATUS_TIMEOUT_MS} ms`,
        );
      }
      throw new ApiError(
        502,
        'node_error',
        `node "${name}" could not report its status: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Names, `@group` references and the whole-scope words, split by health; an empty list means the whole scope.
   * Everything is relative to the caller's current workgroup: a name outside it, an unknown or empty group, and a
   * whole scope with no nodes are unknown.
   */
  async resolve(targets: string[], options: ResolveOptions = {}): Promise<ResolvedTargets> {
    const path = options.scopePath ?? ROOT_PATH;
    const wanted = targets.length === 0 ? ['@'] : targets;
    const inScope = await this.scope.filter(await this.nodes.list(), path, (node) => node.name);
    const byName = new Map(inScope.map((node) => [node.name, node]));
    const names = new Set<string>();
    const unknown = new Set<string>();
    for (const target of wanted) {
      if (!target) continue;
      if (WHOLE_SCOPE.has(target) || (options.bareAll && target === 'ALL')) {
        if (inScope.length === 0) unknown.add(target);
        inScope.forEach((node) => names.add(node.name));
      } else if (target.startsWith('@')) {
        const members = await this.scope.groupMembers(path, target.slice(1));
        if (!members) unknown.add(target);
        else members.filter((name) => byName.has(name)).forEach((name) => names.add(name));
      } else if (!byName.has(target)) {
        unknown.add(target);
      } else {
        names.add(target);
      }
    }
    const online: string[] = [];
    const unhealthy: string[] = [];
    for (const name of [...names].sort()) {
      (byName.get(name)?.state === 'online' ? online : unhealthy).push(name);
    }
    return { online, unhealthy, unknown: [...unknown].sort() };
  }

  async prune(name: string): Promise<void> {
    const node = await this.get(name);
    if (!(await this.nodes.deleteIfOffline(name))) {
      throw ApiError.conflict(
        'node_not_offline',
        `node "${name}" is ${node.state}; only offline nodes can be pruned`,
      );
    }
    // A pruned node leaves every workgroup (reference spec §12), and whatever else was kept under its name.
    await this.workgroups.forgetNode(name);
    await this.events.pruned(name);
  }
}
