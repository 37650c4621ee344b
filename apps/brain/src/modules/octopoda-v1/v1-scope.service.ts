import { Injectable } from '@nestjs/common';
import type { Node } from '../../generated/prisma/client';
import { NodesService } from '../nodes/nodes.service';

/**
 * The nodes a v1 request names. Whether the caller may touch them was decided by the ScopeGuard before the handler
 * ran; this answers whether they all exist, as Octopoda's handlers check.
 */
@Injectable()
export class V1ScopeService {
  constructor(private readonly nodes: NodesService) {}

  /** The named nodes, or null when any of them is unknown (Octopoda answers 400 then). */
  async allKnown(names: string[]): Promise<Node[] | null> {
    const found = await this.nodes.listByNames([...new Set(names)]);
    return found.length === new Set(names).size ? found : null;
  }
}
