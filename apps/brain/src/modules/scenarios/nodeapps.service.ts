import { Injectable } from '@nestjs/common';
import { ProtocolError, type NodeAppInfo, type NodeAppListResult, type NodeAppRef } from '@octopod/protocol';
import { ApiError } from '../../core/http/api-error';
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
    const session = this.registry.get(node);
    if (!session) throw new ApiError(409, 'node_offline', `node ${node} is not connected`);
    let result: NodeAppListResult;
    try {
      result = (await session.request('nodeapp.list', { only, offset, limit }, LIST_TIMEOUT_MS))
        .body as NodeAppListResult;
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'remote') {
        const [code, ...rest] = error.message.split(': ');
        const message = rest.join(': ') || error.message;
        if (code === 'not_found') throw ApiError.notFound('nodeapp_not_found', message);
        throw new ApiError(502, 'node_error', message);
      }
      throw new ApiError(504, 'node_timeout', `node ${node} did not answer: ${(error as Error).message}`);
    }
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
