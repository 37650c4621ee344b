import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerPakmaCommands } from './command.command';
import { registerRolloutCommands } from './rollout.command';

/** Online upgrades of tentacles (and the brain's host) with each host's pakma. */
export function registerPakma(program: Command, ctx: CliContext): void {
  const pakma = program
    .command('pakma')
    .description('upgrade tentacles with their pakma: state, upgrade, confirm, rollouts in waves');
  registerPakmaCommands(pakma, ctx);
  registerRolloutCommands(pakma, ctx);
}
