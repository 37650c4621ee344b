import { Injectable } from '@nestjs/common';
import type { NodeAppInfo, NodeAppListResult, NodeAppRef } from '@octopod/protocol';
import { ApiError } from '../../core/http/api-error';
import { askNode } from '../sessions/ask-node';
import { SessionRegistry } from '../sessions/session-registry';
import { ScenariosRepository } from './scenarios.repository';

const LIST_TIMEOUT_MS = 30_000;

export type NodeAppView = NodeAppInfo & { description: string };

/** What a node holds of its nodeapps, asked of the node itself (its git is the truth; manual commits show). */
@Injectable()
export class NodeAppsService {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly scenarios: ScenariosRepository,
  ) {}

  /** The node's nodeapps (or one), each with versions newest first from `offset`, and the app's description. */
  async list(node: string, only: NodeAppRef | null, offset: number, limit: number): Promise<NodeAppView[]> {
    const result = (await askNode(
      this.registry,
      node,
      { kind: 'nodeapp.list', body: { only, offset, limit }, timeoutMs: LIST_TIMEOUT_MS },
      { not_found: (message) => ApiError.notFound('nodeapp_not_found', message) },
    )) as NodeAppListResult;
    const described = new Map(
      (await this.scenarios.nodeAppsOn(node)).map((row) => [
        `${row.app}@${row.scenario}`,
        row.owner.description,
      ]),
    );
    return result.apps.map((app) => ({
      ...app,
      description: described.get(`${app.app}@${app.scenario}`) ?? '',
    }));
  }
}
