import { Inject, Injectable } from '@nestjs/common';
import { askPakma } from '@octopod/host';
import type { PakmaCommand } from '@octopod/protocol';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { askNode } from '../sessions/ask-node';
import { SessionRegistry } from '../sessions/session-registry';

/** The name that means the brain's own host. */
export const BRAIN_NODE = 'brain';
const NODE_TIMEOUT_MS = 20_000;

/**
 * What one node's pakma said: `reached` false when the node itself could not be asked (offline, no answer);
 * `status` 0 when the node answered but its pakma could not be reached.
 */
export interface PakmaOutcome {
  node: string;
  reached: boolean;
  status: number;
  body: string;
}

/** Drives the pakma of nodes (over their links) and of the brain's own host (over loopback HTTP). */
@Injectable()
export class PakmaService {
  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly registry: SessionRegistry,
  ) {}

  /** Asks every node at once; one outcome per node, in the order given. */
  command(nodes: string[], command: PakmaCommand): Promise<PakmaOutcome[]> {
    return Promise.all(nodes.map((node) => this.ask(node, command)));
  }

  async ask(node: string, command: PakmaCommand): Promise<PakmaOutcome> {
    if (node === BRAIN_NODE) {
      const answer = await askPakma({ host: '127.0.0.1', port: this.config.pakma.port }, command);
      return { node, reached: true, ...answer };
    }
    try {
      const body = (await askNode(this.registry, node, {
        kind: 'pakma.command',
        body: command,
        timeoutMs: NODE_TIMEOUT_MS,
      })) as { status: number; body: string };
      return { node, reached: true, status: body.status, body: body.body };
    } catch (error) {
      return { node, reached: false, status: 0, body: (error as Error).message };
    }
  }
}
