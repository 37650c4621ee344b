import { OctopodApiError, type NodeLogs } from '@octopod/sdk';
import type { Command } from 'commander';
import type { CliContext, Terminal } from '../../context';
import { OctlError, UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { TARGETS_HELP } from '../node/targets';
import { logApiOf, type LogApi } from './log-api';
import { mergeLogs } from './merge-logs';

const BRAIN = 'brain';
/** As the brain allows (apps/brain logs.query.ts). */
const MAX_LINES = 10_000;
const MAX_DAYS = 366;

export interface LogGetOptions {
  targets: string[];
  lines: number;
  days: number;
}

function count(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) > max)
    throw new UsageError(`${flag} must be a whole number from 0 to ${max} (got "${text}")`);
  return Number(text);
}

/** One target that is a node's name (or `brain`): its log as it is, unprefixed. */
const isSingleNode = (targets: string[]) =>
  targets.length === 1 && !targets[0].startsWith('@') && targets[0] !== 'ALL';

/** The nodes the targets mean: `brain` as it is, the rest resolved by the brain (unknown names are an error). */
async function nodesOf(api: LogApi, targets: string[], terminal: Terminal): Promise<string[]> {
  const others = targets.filter((t) => t !== BRAIN);
  const nodes = targets.includes(BRAIN) ? [BRAIN] : [];
  if (others.length === 0) return nodes;
  const resolved = await api.resolveNodes({ targets: others });
  if (resolved.unknown.length > 0)
    throw new OctlError(`node parse error: unknown nodes or groups: ${resolved.unknown.join(', ')}`);
  if (resolved.unhealthy.length > 0)
    terminal.writeErr(`octl: skipped, not online: ${resolved.unhealthy.join(', ')}\n`);
  return [...nodes, ...resolved.online];
}

function reason(error: unknown): string {
  if (error instanceof OctopodApiError && error.status > 0) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Octopoda's `log get`, federated: the last lines of one node's (or the brain's) log, or of several nodes' logs
 * merged by time, each line prefixed `[<node>] `. A node that cannot answer is reported; the others are shown.
 */
export async function logGet(
  api: LogApi,
  options: LogGetOptions,
  out: OutputSink,
  terminal: Terminal,
): Promise<void> {
  const query = { lines: options.lines, days: options.days };
  if (isSingleNode(options.targets)) {
    const log = await api.nodeLogs(options.targets[0], query);
    out.print({ data: log, table: () => log.lines.join('\n') });
    return;
  }
  const nodes = await nodesOf(api, options.targets, terminal);
  if (nodes.length === 0) throw new OctlError('node parse error: the targets name no online node');
  const settled = await Promise.allSettled(nodes.map((node) => api.nodeLogs(node, query)));
  const logs: NodeLogs[] = [];
  const failed: string[] = [];
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') logs.push(result.value);
    else failed.push(`${nodes[i]} (${reason(result.reason)})`);
  });
  out.print({ data: logs, table: () => mergeLogs(logs).join('\n') });
  if (failed.length > 0) throw new OctlError(`no log from ${failed.join(', ')}`);
}

export function registerLogGet(log: Command, ctx: CliContext): void {
  log
    .command('get')
    .description("the last lines of a node's or the brain's log; several nodes' merged by time")
    .argument('<targets...>', `brain, ${TARGETS_HELP}`)
    .option('-l, --lines <n>', 'lines per node (default 30)')
    .option(
      '-d, --days <n>',
      "also read this many days' files before today's when today's has too few (default 0)",
    )
    .addHelpText(
      'after',
      `
One node: its lines as they are. Several nodes (or a @group): each node's lines, merged by their pino "time",
prefixed "[<node>] "; lines without a time stay after the line before them.
With -o json (the default when stdout is not a terminal): {"node","oldestDay","lines"}, or a list of them.

Examples:
  octl log get brain
  octl log get pi-1 -l 100 -d 2
  octl log get @lab --lines 20`,
    )
    .action(async (targets: string[], flags: { lines?: string; days?: string }) => {
      const options = {
        targets,
        lines: count('--lines', flags.lines, 30, MAX_LINES),
        days: count('--days', flags.days, 0, MAX_DAYS),
      };
      await logGet(await logApiOf(ctx), options, ctx.output(), ctx.terminal);
    });
}
