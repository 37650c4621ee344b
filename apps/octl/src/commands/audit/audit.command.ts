import type { Command } from 'commander';
import type { AccessApi, CliContext } from '../../context';
import { UsageError } from '../../errors';
import { parseDuration } from '../../format/duration';
import type { OutputSink } from '../../output/output';
import { auditTable } from './audit-text';

export interface AuditOptions {
  since?: string;
  until?: string;
  actor?: string;
  node?: string;
  action?: string;
  outcome?: string;
  limit?: string;
  before?: string;
}

const OUTCOMES = ['ok', 'refused', 'failed'] as const;
type Outcome = (typeof OUTCOMES)[number];
const isOutcome = (s: string): s is Outcome => (OUTCOMES as readonly string[]).includes(s);
const MAX_LIMIT = 500;

/** `1h` (that long ago) or a date the brain can read, as an ISO instant. */
function instant(flag: string, value: string | undefined, now: number): string | undefined {
  if (value === undefined) return undefined;
  const ago = parseDuration(value);
  if (ago !== undefined) return new Date(now - ago).toISOString();
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`${flag} must be a span such as 1h or 7d, or a date, got "${value}"`);
  return date.toISOString();
}

/** The audit trail of your workgroup and below, newest first. */
export async function auditLs(
  api: Pick<AccessApi, 'listAudit'>,
  options: AuditOptions,
  now: number,
  out: OutputSink,
): Promise<void> {
  const { limit, outcome } = options;
  if (limit !== undefined && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= MAX_LIMIT)) {
    throw new UsageError(`-n must be a whole number from 1 to ${MAX_LIMIT}, got "${limit}"`);
  }
  if (outcome !== undefined && !isOutcome(outcome)) {
    throw new UsageError(`--outcome must be one of ${OUTCOMES.join(', ')}, got "${outcome}"`);
  }
  const list = await api.listAudit({
    since: instant('--since', options.since, now),
    until: instant('--until', options.until, now),
    actor: options.actor,
    action: options.action,
    node: options.node,
    outcome,
    limit,
    before: options.before,
  });
  out.print({ data: list, table: () => auditTable(list) });
}

export function registerAuditCommand(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('who changed what: mutating calls to the brain, refused and failed ones too, newest first')
    .option('--since <when>', 'only calls since then: a span back from now (1h, 7d) or a date')
    .option('--until <when>', 'only calls before then: a span back from now or a date')
    .option('--actor <who>', 'certificate name, token name, workgroup path, or anonymous')
    .option('--node <name>', 'only calls that targeted this node')
    .option('--action <action>', 'e.g. createTask, login, revokeToken, v1.runCmd')
    .option('--outcome <outcome>', 'ok, refused or failed')
    .option('-n, --limit <n>', `at most n records (default 50, at most ${MAX_LIMIT})`)
    .option('--before <id>', 'the page older than this record id (printed at the end of a full page)')
    .addHelpText(
      'after',
      '\nExamples:\n  octl audit --since 1h\n  octl audit --actor alice@laptop --outcome refused\n  octl audit --node pi-1 -n 20 -o json',
    )
    .action(async (options: AuditOptions) => {
      await auditLs(await ctx.access(), options, ctx.now(), ctx.output());
    });
}
