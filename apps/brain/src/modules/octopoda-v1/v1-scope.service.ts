import { Injectable } from '@nestjs/common';
import type { Node } from '../../generated/prisma/client';
import { NodesService } from '../nodes/nodes.service';

/**
 * The members a caller's current workgroup may act on. Only the root group exists yet, and every node that
 * joined is a member of it, so the scope is the node table.
 */
@Injectable()
export class V1ScopeService {
  constructor(private readonly nodes: NodesService) {}

  /** The named nodes, or null when any name is not a member of the scope (Octopoda answers 400 then). */
  async inScope(names: string[]): Promise<Node[] | null> {
    const found = await this.nodes.listByNames([...new Set(names)]);
    return found.length === new Set(names).size ? found : null;
  }
}
