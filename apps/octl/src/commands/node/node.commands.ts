import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerNodeGet } from './get.command';
import { registerNodePrune } from './prune.command';
import { registerNodeRevoke } from './revoke.command';
import { registerNodeStatus } from './status.command';
import { registerNodeToken } from './token.command';

export function registerNodeCommands(program: Command, ctx: CliContext): void {
  const node = program.command('node').description('nodes known to the brain');
  registerNodeGet(node, ctx);
  registerNodeStatus(node, ctx);
  registerNodePrune(node, ctx);
  registerNodeToken(node, ctx);
  registerNodeRevoke(node, ctx);
}
