import { Injectable, Logger } from '@nestjs/common';

type PrunedListener = (node: string) => Promise<void>;

/**
 * What other modules need to hear about nodes without the nodes module knowing them: a pruned node's name may be
 * enrolled again by another machine, so whatever was kept under it (ssh logins, mapped ports) must go with it.
 */
@Injectable()
export class NodeEvents {
  private readonly logger = new Logger('nodes');
  private readonly prunedListeners: PrunedListener[] = [];

  onPruned(listener: PrunedListener): void {
    this.prunedListeners.push(listener);
  }

  /** Runs every listener; one that fails is logged and does not stop the others. */
  async pruned(node: string): Promise<void> {
    for (const listener of this.prunedListeners) {
      await listener(node).catch((error: Error) =>
        this.logger.error({ node, error: error.message }, 'could not forget a pruned node'),
      );
    }
  }
}
