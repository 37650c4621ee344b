import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerLogGet } from './get.command';

export function registerLogCommands(program: Command, ctx: CliContext): void {
  const log = program.command('log').description("read nodes' and the brain's logs");
  registerLogGet(log, ctx);
}
