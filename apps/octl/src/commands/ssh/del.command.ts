import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { sshApiOf } from './ssh-api';

export function registerSshDel(ssh: Command, ctx: CliContext): void {
  ssh
    .command('del')
    .description("forget a node's ssh login info and close its brain port")
    .argument('<node>', 'a node name')
    .action(async (node: string) => {
      await (await sshApiOf(ctx)).deleteSshLogin(node);
      ctx.output().print({ data: { node, deleted: true }, table: () => `ssh login of ${node} deleted` });
    });
}
