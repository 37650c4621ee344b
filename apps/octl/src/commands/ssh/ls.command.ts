import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { renderTable } from '../../output/table';
import { sshApiOf } from './ssh-api';

export function registerSshLs(ssh: Command, ctx: CliContext): void {
  ssh
    .command('ls')
    .description('nodes with stored ssh login info (in the current workgroup), and their brain ports')
    .action(async () => {
      const { logins } = await (await sshApiOf(ctx)).listSshLogins();
      ctx.output().print({
        data: logins,
        table: () =>
          renderTable(
            ['NODE', 'USER', 'PASSWORD', 'BRAIN PORT', 'SET BY'],
            logins.map((l) => [
              l.node,
              l.username,
              l.hasPassword ? 'yes' : 'no',
              l.address ?? '-',
              l.createdBy,
            ]),
          ),
      });
    });
}
