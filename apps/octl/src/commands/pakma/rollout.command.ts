import type { Rollout } from '@octopod/sdk';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CliContext } from '../../context';
import { OctlError, UsageError } from '../../errors';
import { renderTable } from '../../output/table';
import { TARGETS_HELP } from '../node/targets';
import { pakmaApiOf, type PakmaApi } from './pakma-api';

const FOLLOW_INTERVAL_MS = 1_000;

/** One line per node change: `wave 1 up-1: upgrading (upgrading to 2.0.0)`. */
function changes(rollout: Rollout, seen: Map<string, string>): string[] {
  const lines: string[] = [];
  rollout.waves.forEach((wave, index) => {
    for (const node of wave.nodes) {
      const line = `wave ${index + 1} ${node.node}: ${node.state}${node.detail ? ` (${node.detail})` : ''}`;
      if (seen.get(node.node) === line) continue;
      seen.set(node.node, line);
      lines.push(line);
    }
  });
  return lines;
}

/** Follows a rollout until it ends, printing every node's changes; fails (exit 1) when it failed. */
export async function followRollout(
  api: PakmaApi,
  ctx: CliContext,
  id: string,
  intervalMs = FOLLOW_INTERVAL_MS,
): Promise<Rollout> {
  const seen = new Map<string, string>();
  for (;;) {
    const rollout = await api.getRollout(id);
    for (const line of changes(rollout, seen)) ctx.terminal.write(`${line}\n`);
    if (rollout.state === 'succeeded') {
      ctx.terminal.write(`rollout ${id}: ${rollout.version} on every node\n`);
      return rollout;
    }
    if (rollout.state === 'failed') throw new OctlError(`rollout ${id} failed: ${rollout.error ?? ''}`);
    await sleep(intervalMs);
  }
}

export function registerRolloutCommands(pakma: Command, ctx: CliContext): void {
  pakma
    .command('rollout')
    .description(
      'upgrade nodes in waves (1 node, 10%, the rest): a wave that does not confirm stops the rest',
    )
    .argument('<version>', 'the release version, e.g. 1.2.3')
    .argument('<targets...>', TARGETS_HELP)
    .option('--waves <sizes>', 'wave sizes: counts, percentages, rest', '1,10%,rest')
    .option('--wave-timeout <seconds>', 'a wave not confirmed within this fails', '900')
    .option('--no-follow', 'print the rollout and return at once')
    .addHelpText(
      'after',
      `
Each node's pakma previews the version and confirms it only when the new tentacle reconnects and stays healthy;
otherwise it rolls back — and the rollout stops before the next wave.

Examples:
  octl pakma rollout 1.4.0 @lab
  octl pakma rollout 1.4.0 pi-1 pi-2 pi-3 --waves 1,rest`,
    )
    .action(
      async (
        version: string,
        targets: string[],
        flags: { waves: string; waveTimeout: string; follow: boolean },
      ) => {
        const timeout = Number(flags.waveTimeout);
        if (!(timeout > 0))
          throw new UsageError(`--wave-timeout must be a number of seconds (got "${flags.waveTimeout}")`);
        const api = await pakmaApiOf(ctx);
        const rollout = await api.startRollout({
          version,
          targets,
          waves: flags.waves,
          waveTimeoutSeconds: timeout,
        });
        const sizes = rollout.waves.map((w) => w.nodes.length).join(' + ');
        ctx.terminal.writeErr(`rollout ${rollout.id}: ${version} to ${sizes} nodes\n`);
        if (!flags.follow) return ctx.output().print({ data: rollout, table: () => rollout.id });
        const done = await followRollout(api, ctx, rollout.id);
        if (ctx.format() !== 'table') ctx.output().print({ data: done, table: () => '' });
      },
    );

  pakma
    .command('rollouts')
    .description('recent rollouts, or one with its waves')
    .argument('[id]', 'a rollout id')
    .action(async (id: string | undefined) => {
      const api = await pakmaApiOf(ctx);
      if (id) {
        const rollout = await api.getRollout(id);
        return ctx.output().print({ data: rollout, table: () => changes(rollout, new Map()).join('\n') });
      }
      const { rollouts } = await api.listRollouts();
      ctx.output().print({
        data: rollouts,
        table: () =>
          renderTable(
            ['ID', 'VERSION', 'STATE', 'NODES', 'STARTED', 'ERROR'],
            rollouts.map((r) => [
              r.id,
              r.version,
              r.state,
              String(r.waves.reduce((sum, w) => sum + w.nodes.length, 0)),
              r.createdAt,
              r.error ?? '',
            ]),
          ),
      });
    });
}
