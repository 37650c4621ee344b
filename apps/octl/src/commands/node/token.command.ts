import type { Command } from 'commander';
import type { BrainLocation, CliContext, NodeApi } from '../../context';
import { UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { renderTable } from '../../output/table';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `90s`, `30m`, `1h`, `7d`, or combinations such as `1h30m`, in whole seconds. */
export function parseTtl(text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`--ttl: expected a duration such as 90s, 30m, 1h or 7d, got "${text}"`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (UNITS[unit as string] as number), 0);
}

/** The line to run on the new node: through the name server when octl uses one, else the API address. */
export function joinCommand(token: string, location: BrainLocation): string {
  const ns = location.nameServer;
  if (ns) {
    const httpPort =
      ns.httpPort !== undefined && ns.httpPort !== ns.port + 1
        ? ` --nameserver-http-port ${ns.httpPort}`
        : '';
    return `tentacle join --nameserver ${ns.host}:${ns.port}${httpPort} --brain ${location.brainName} --token ${token}`;
  }
  return `tentacle join --brain-addr ${location.apiAddress} --token ${token}`;
}

export async function nodeTokenCreate(
  client: Pick<NodeApi, 'createJoinToken'>,
  options: { ttl?: string; name?: string },
  location: BrainLocation,
  out: OutputSink,
): Promise<void> {
  const created = await client.createJoinToken({
    ttlSeconds: options.ttl === undefined ? undefined : parseTtl(options.ttl),
    name: options.name,
  });
  const join = joinCommand(created.token, location);
  const data = { ...created, join };
  out.print({
    data,
    table: () =>
      [
        created.token,
        '',
        `single use, expires ${created.expiresAt}${created.name ? `, only for node ${created.name}` : ''}; pins CA ${created.caFingerprint}`,
        'on the new node (its tentacle.yaml names the node and the ssl paths to write):',
        `  ${join}`,
      ].join('\n'),
  });
}

export async function nodeTokenLs(client: Pick<NodeApi, 'listJoinTokens'>, out: OutputSink): Promise<void> {
  const { tokens } = await client.listJoinTokens();
  out.print({
    data: tokens,
    table: () =>
      tokens.length === 0
        ? 'no usable join tokens'
        : renderTable(
            ['ID', 'NODE', 'EXPIRES', 'CREATED BY'],
            tokens.map((t) => [t.id, t.name ?? '(any)', t.expiresAt, t.createdBy]),
          ),
  });
}

export function registerNodeToken(node: Command, ctx: CliContext): void {
  const token = node.command('token').description('join tokens: how new nodes enrol without copying keys');
  token
    .command('create')
    .description('make a single-use, expiring join token that also pins the brain CA fingerprint')
    .option('--ttl <duration>', 'how long it stays valid: 90s, 30m, 1h, 7d (default 1h, at most 7d)')
    .option('--name <node>', 'only this node name may enrol with it (needed to re-enrol an existing node)')
    .addHelpText(
      'after',
      '\nExamples:\n  octl node token create\n  octl node token create --ttl 30m --name pi-7\n' +
        '\nThen on the node: tentacle join --token <token> (the line printed is ready to paste)',
    )
    .action(async (options: { ttl?: string; name?: string }) => {
      await nodeTokenCreate(await ctx.client(), options, ctx.brainLocation(), ctx.output());
    });
  token
    .command('ls')
    .description('join tokens that can still be used (never their secrets)')
    .addHelpText('after', '\nExample:\n  octl node token ls -o json')
    .action(async () => {
      await nodeTokenLs(await ctx.client(), ctx.output());
    });
}
