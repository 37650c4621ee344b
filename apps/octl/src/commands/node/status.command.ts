import { OctopodApiError, type NodeStatus } from '@octopod/sdk';
import type { Command } from 'commander';
import { settleAll } from '../../concurrency';
import type { CliContext, NodeApi } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { renderTable } from '../../output/table';
import { statusesToText, type NodesStatusText } from './node-text';
import { namedNodes, TARGETS_HELP } from './targets';

/** The brain answers for its own host under this name. */
const BRAIN = 'brain';
const PARALLEL_REQUESTS = 8;

function statusTable(text: NodesStatusText): string {
  const rows = text.nodes.map((n) => [
    n.name,
    n.platform,
    String(n.cpu_cores),
    n.cpu_average1.trim(),
    n.cpu_average10.trim(),
    n.memory_usage.trim(),
    n.disk_usage.trim(),
    n.local_time,
  ]);
  const headers = ['NAME', 'PLATFORM', 'CORES', 'CPU(1)', 'CPU(10)', 'MEMORY', 'DISK', 'LOCAL TIME'];
  const summary = `average: cpu ${text.average_cpuload.trim()}, memory ${text.average_memoryusage.trim()}, disk ${text.average_diskusage.trim()}`;
  return `${renderTable(headers, rows)}\n${summary}`;
}

/** Names of the healthy nodes the targets mean; unknown targets, and unhealthy nodes named directly, are errors. */
async function healthyTargets(client: Pick<NodeApi, 'resolveNodes'>, targets: string[]): Promise<string[]> {
  const resolved = await client.resolveNodes({ targets });
  if (resolved.unknown.length > 0)
    throw new OctlError(`unknown nodes or groups: ${resolved.unknown.join(', ')}`);
  const named = namedNodes(targets);
  const unhealthy = resolved.unhealthy.filter((n) => named.has(n));
  if (unhealthy.length > 0) {
    throw new OctlError(
      `not healthy: ${unhealthy.join(', ')} (node status needs online nodes; see octl node get)`,
    );
  }
  return resolved.online;
}

function reason(error: unknown): string {
  if (error instanceof OctopodApiError) return error.status > 0 ? error.code : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** Octopoda's `node status`: healthy nodes only; `brain` asks for the brain's own host. */
export async function nodeStatus(
  client: Pick<NodeApi, 'resolveNodes' | 'getNodeStatus'>,
  targets: string[],
  out: OutputSink,
): Promise<void> {
  const wantsBrain = targets.includes(BRAIN);
  const others = targets.filter((t) => t !== BRAIN);
  const names = wantsBrain && others.length === 0 ? [] : await healthyTargets(client, others);
  if (wantsBrain) names.unshift(BRAIN);
  const results = await settleAll(names, PARALLEL_REQUESTS, (name) => client.getNodeStatus(name));
  const statuses: NodeStatus[] = results.flatMap((r) => (r.ok ? [r.value] : []));
  const failed = results.flatMap((r) => (r.ok ? [] : [`${r.item} (${reason(r.error)})`]));
  if (statuses.length > 0 || failed.length === 0) {
    const text = statusesToText(statuses);
    out.print({ data: text, table: () => statusTable(text) });
  }
  if (failed.length > 0) throw new OctlError(`no status from ${failed.join(', ')}`);
}

export function registerNodeStatus(node: Command, ctx: CliContext): void {
  node
    .command('status')
    .description('CPU, memory and disk of healthy nodes (all healthy nodes when no target is given)')
    .argument('[targets...]', `${TARGETS_HELP}; "brain" is the brain's own host`)
    .addHelpText('after', '\nExamples:\n  octl node status\n  octl node status brain pi-1 @lab')
    .action(async (targets: string[]) => {
      await nodeStatus(await ctx.client(), targets, ctx.output());
    });
}
