import type { PakmaResult } from '@octopod/sdk';
import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { OctlError, UsageError } from '../../errors';
import { TARGETS_HELP } from '../node/targets';
import { pakmaApiOf, type PakmaApi } from './pakma-api';

const VERSION = /^\d+(\.\d+)*$/;

export interface PakmaCommandOptions {
  command: 'state' | 'install' | 'upgrade' | 'confirm' | 'cancel' | 'downgrade' | 'history' | 'clean';
  targets: string[];
  version?: string;
  time?: string;
  limit?: number;
}

/** One node's answer on one line: pakma's JSON as it came, or why there is none. */
export function resultLine(result: PakmaResult): string {
  if (!result.reached) return `${result.node}: not reached: ${result.text}`;
  if (result.status === 0) return `${result.node}: no pakma: ${result.text}`;
  return `${result.node}: ${result.answer ? JSON.stringify(result.answer) : result.text}`;
}

/** Sends the command; prints every node's answer; fails (exit 1) when any node did not answer with 200. */
export async function pakmaCommand(
  api: PakmaApi,
  options: PakmaCommandOptions,
  ctx: CliContext,
): Promise<void> {
  const { results } = await api.pakmaCommand(options);
  ctx.output().print({ data: results, table: () => results.map(resultLine).join('\n') });
  const failed = results.filter((r) => !r.reached || r.status !== 200).map((r) => r.node);
  if (failed.length > 0) throw new OctlError(`pakma did not do it on ${failed.join(', ')}`);
}

const COMMANDS: Array<{ name: PakmaCommandOptions['command']; about: string; version?: true }> = [
  { name: 'state', about: "each node's pakma state: STABLE, PREVIEW, versions" },
  { name: 'install', about: 'install a first version (pakma in EMPTY state)', version: true },
  {
    name: 'upgrade',
    about: 'preview a new version; confirmed once the node comes back healthy, else rolled back',
    version: true,
  },
  { name: 'confirm', about: 'keep the version in preview now' },
  { name: 'cancel', about: 'go back from the preview to the stable version' },
  { name: 'downgrade', about: 'go back to the version before the stable one' },
  { name: 'history', about: "pakma's history (-t from a time, -l the last n)" },
  { name: 'clean', about: 'delete cached release packages' },
];

export function registerPakmaCommands(pakma: Command, ctx: CliContext): void {
  for (const spec of COMMANDS) {
    const command = pakma.command(spec.name).description(spec.about);
    if (spec.version) command.argument('<version>', 'digits and dots, e.g. 1.2.3');
    command.argument('<targets...>', `brain and/or ${TARGETS_HELP}`);
    if (spec.name === 'history')
      command
        .option('-t, --time <time>', 'records at or after YYYY-MM-DD@hh:mm:ss (Octopoda writes -t<time>)')
        .option('-l, --limit <n>', 'the last n records (default 10)');
    command.action(async (...args: unknown[]) => {
      const version = spec.version ? (args.shift() as string) : undefined;
      const targets = args.shift() as string[];
      const flags = (args.shift() ?? {}) as { time?: string; limit?: string };
      if (version !== undefined && !VERSION.test(version))
        throw new UsageError(`version "${version}": digits and dots, e.g. 1.2.3`);
      if (flags.limit !== undefined && !/^\d+$/.test(flags.limit))
        throw new UsageError(`-l must be a whole number (got "${flags.limit}")`);
      const options: PakmaCommandOptions = {
        command: spec.name,
        targets,
        ...(version ? { version } : {}),
        ...(flags.time ? { time: flags.time } : {}),
        ...(flags.limit !== undefined ? { limit: Number(flags.limit) } : {}),
      };
      await pakmaCommand(await pakmaApiOf(ctx), options, ctx);
    });
  }
}
