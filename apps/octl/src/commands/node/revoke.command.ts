import type { Command } from 'commander';
import type { CliContext, NodeApi } from '../../context';
import type { OutputSink } from '../../output/output';

export async function nodeRevoke(
  client: Pick<NodeApi, 'revokeNode'>,
  name: string,
  out: OutputSink,
): Promise<void> {
  const revoked = await client.revokeNode(name);
  const connection = revoked.disconnected > 0 ? 'its connection was closed' : 'it was not connected';
  out.print({
    data: revoked,
    table: () =>
      `revoked ${revoked.node} at ${revoked.revokedAt}: ${connection}; it can come back only with a new join token ` +
      `(octl node token create --name ${revoked.node}, then tentacle join --force on the node)`,
  });
}

export function registerNodeRevoke(node: Command, ctx: CliContext): void {
  node
    .command('revoke')
    .description("refuse a node's certificates from now on and close its live connection at once")
    .argument('<name>', 'the node')
    .addHelpText('after', '\nExample:\n  octl node revoke pi-7')
    .action(async (name: string) => {
      await nodeRevoke(await ctx.client(), name, ctx.output());
    });
}
