import type { Command } from 'commander';
import type { CliContext, NodeApi } from '../../context';
import type { OutputSink } from '../../output/output';
import { renderTable } from '../../output/table';
import { nodesToText, type NodesInfoText } from './node-text';
import { TARGETS_HELP } from './targets';

export interface NodeGetOptions {
  targets: string[];
  stateFilter?: string;
  now: number;
}

function nodesTable(text: NodesInfoText): string {
  const rows = text.nodes.map((n) => [
    n.name,
    n.state,
    n.delay,
    n.version,
    n.addr,
    n.online_time ?? n.offline_time ?? n.last_active ?? '-',
  ]);
  const { brain } = text;
  const summary = `${text.total} nodes: ${text.online} online, ${text.offline} offline (brain ${brain.name} ${brain.version} at ${brain.addr})`;
  return `${renderTable(['NAME', 'STATE', 'DELAY', 'VERSION', 'ADDR', 'SINCE'], rows)}\n${summary}`;
}

/** Octopoda's `node get`: unknown names are dropped silently; counts are over what is shown. */
export async function nodeGet(
  client: Pick<NodeApi, 'listNodes' | 'resolveNodes'>,
  options: NodeGetOptions,
  out: OutputSink,
): Promise<void> {
  const [list, resolved] = await Promise.all([
    client.listNodes(),
    options.targets.length > 0 ? client.resolveNodes({ targets: options.targets }) : undefined,
  ]);
  const wanted = resolved && new Set([...resolved.online, ...resolved.unhealthy]);
  const filter = options.stateFilter?.toLowerCase() ?? '';
  // The text state is the API state, so filtering before conversion keeps the counts over what is shown.
  const nodes = list.nodes.filter(
    (n) => (!wanted || wanted.has(n.name)) && n.state.toLowerCase().includes(filter),
  );
  const text = nodesToText(list.brain, nodes, options.now);
  out.print({ data: text, table: () => nodesTable(text) });
}

export function registerNodeGet(node: Command, ctx: CliContext): void {
  node
    .command('get')
    .description('list nodes with their state, delay and uptime (all nodes when no target is given)')
    .argument('[targets...]', `${TARGETS_HELP}; unknown names are ignored`)
    .option(
      '--state-filter <state>',
      'only nodes whose state contains this text, case-insensitive (also -sf)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  octl node get\n  octl node get -sf offline\n  octl node get pi-1 @lab -o json',
    )
    .action(async (targets: string[], options: { stateFilter?: string }) => {
      await nodeGet(
        await ctx.client(),
        { targets, stateFilter: options.stateFilter, now: ctx.now() },
        ctx.output(),
      );
    });
}
