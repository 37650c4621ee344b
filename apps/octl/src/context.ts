import type { OctopodClient } from '@octopod/sdk';
import type { OutputSink } from './output/output';

/** The brain operations octl's node commands use; tests pass fakes of exactly this. */
export type NodeApi = Pick<OctopodClient, 'listNodes' | 'resolveNodes' | 'getNodeStatus' | 'pruneNode'>;

/** What command registrations get from the CLI: a lazily connected client, the output sink, the clock. */
export interface CliContext {
  client(): Promise<NodeApi>;
  output(): OutputSink;
  now(): number;
}
