import { OctopodApiError } from '@octopod/sdk';
import type { Command } from 'commander';
import { settleAll } from '../../concurrency';
import type { CliContext, NodeApi } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { renderTable } from '../../output/table';
import { namedNodes, TARGETS_HELP } from './targets';

const PARALLEL_REQUESTS = 8;

export interface PruneReport {
  pruned: string[];
  /** Named directly but not offline. */
  refused: { name: string; reason: string }[];
  /** Reached through a group or ALL and not offline: left alone without complaint. */
  skipped: string[];
  unknown: string[];
}

function pruneTable(report: PruneReport): string {
  const rows = [
    ...report.pruned.map((n) => [n, 'pruned']),
    ...report.refused.map((r) => [r.name, `refused: ${r.reason}`]),
    ...report.skipped.map((n) => [n, 'skipped: not offline']),
    ...report.unknown.map((n) => [n, 'unknown']),
  ];
  return renderTable(['NAME', 'RESULT'], rows);
}

/** Forgets offline nodes. Only the brain decides what is offline; octl just sorts its answers. */
export async function nodePrune(
  client: Pick<NodeApi, 'resolveNodes' | 'pruneNode'>,
  targets: string[],
  out: OutputSink,
): Promise<void> {
  const resolved = await client.resolveNodes({ targets });
  const named = namedNodes(targets);
  const report: PruneReport = { pruned: [], refused: [], skipped: [], unknown: [...resolved.unknown] };
  const notOffline = (name: string, why: string): void => {
    if (named.has(name)) report.refused.push({ name, reason: why });
    else report.skipped.push(name);
  };
  for (const name of resolved.online) notOffline(name, 'node is online');
  const results = await settleAll(resolved.unhealthy, PARALLEL_REQUESTS, (name) => client.pruneNode(name));
  for (const result of results) {
    if (result.ok) {
      report.pruned.push(result.item);
      continue;
    }
    const error = result.error;
    const code = error instanceof OctopodApiError ? error.code : undefined;
    if (code === 'node_not_offline') notOffline(result.item, (error as Error).message);
    else if (code === 'node_not_found') report.unknown.push(result.item);
    else
      report.refused.push({
        name: result.item,
        reason: error instanceof Error ? error.message : String(error),
      });
  }
  out.print({ data: report, table: () => pruneTable(report) });
  const problems = [
    ...report.refused.map((r) => `${r.name} (${r.reason})`),
    ...report.unknown.map((n) => `${n} (unknown)`),
  ];
  if (problems.length > 0) throw new OctlError(`not pruned: ${problems.join(', ')}`);
}

export function registerNodePrune(node: Command, ctx: CliContext): void {
  node
    .command('prune')
    .description('forget offline nodes; online or unstable nodes named directly are refused')
    .argument('<targets...>', TARGETS_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  octl node prune pi-7\n  octl node prune ALL    # every offline node',
    )
    .action(async (targets: string[]) => {
      await nodePrune(await ctx.client(), targets, ctx.output());
    });
}
