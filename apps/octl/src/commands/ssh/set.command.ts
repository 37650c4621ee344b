import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import type { CliContext, SshHost } from '../../context';
import { readAll, readHidden } from '../auth/session';
import { UsageError } from '../../errors';
import { sshApiOf } from './ssh-api';

/** A line typed at the terminal (the username), without echo tricks. */
function askLine(host: SshHost, prompt: string): Promise<string> {
  const input = host.stdin;
  if (!input?.isTTY) throw new UsageError('no terminal to ask on: give the user with -u <user>');
  const rl = createInterface({ input, output: host.prompts, terminal: false });
  return new Promise((resolve) => {
    host.prompts.write(prompt);
    rl.once('line', (line) => {
      rl.close();
      resolve(line.trim());
    });
  });
}

interface SetFlags {
  user?: string;
  passwordStdin?: boolean;
  password?: boolean;
}

/** The password to store: from stdin, asked without echo, or none (`--no-password`: keys only). */
async function passwordOf(host: SshHost, flags: SetFlags, interactive: boolean): Promise<string | undefined> {
  if (flags.passwordStdin) {
    if (!host.stdin) throw new UsageError('--password-stdin: no stdin');
    return (await readAll(host.stdin)) || undefined;
  }
  if (flags.password === false || !interactive) return undefined;
  return (
    (await readHidden(host.stdin as never, (t) => void host.prompts.write(t), 'password (empty: none): ')) ||
    undefined
  );
}

export function registerSshSet(ssh: Command, ctx: CliContext): void {
  ssh
    .command('set')
    .description('store how to log in to a node and map a brain port to its sshd')
    .argument('<node>', 'a node name')
    .option('-u, --user <user>', 'the user to log in as (asked on the terminal when omitted)')
    .option('--password-stdin', 'read the password from stdin (stored encrypted on the brain)')
    .option('--no-password', 'store no password: log in with ssh keys')
    .addHelpText(
      'after',
      `
Without -u, asks for the user and (without echo) the password, as Octopoda's octl does.
The brain keeps the password encrypted and gives it only to callers of the node's workgroup.

Examples:
  octl ssh set pi-1                      # asks
  octl ssh set pi-1 -u pi --no-password  # keys only
  echo "$PW" | octl ssh set pi-1 -u pi --password-stdin`,
    )
    .action(async (node: string, flags: SetFlags) => {
      const host = ctx.sshHost();
      const interactive = flags.user === undefined;
      const username = flags.user ?? (await askLine(host, 'username: '));
      const password = await passwordOf(host, flags, interactive);
      const login = await (
        await sshApiOf(ctx)
      ).setSshLogin(node, { username, ...(password ? { password } : {}) });
      ctx.output().print({
        data: login,
        table: () =>
          `[INFO] SshinfoRegister success: ${login.username}@${node}` +
          (login.address ? `, brain port ${login.address}` : '') +
          `\nlog in: octl ssh login ${node}`,
      });
    });
}
