import { OctopodApiError, type SshLogin } from '@octopod/sdk';
import type { Command } from 'commander';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext, SshHost } from '../../context';
import { OctlError } from '../../errors';
import { sshApiOf, type SshApi } from './ssh-api';

/** A word for `sh -c`, as ssh runs its ProxyCommand. */
const shellWord = (word: string) =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** What `ssh login` runs: the system ssh through `octl ssh proxy`, as `user@node`. */
export function sshArguments(node: string, user: string, proxyCommand: string[], extra: string[]): string[] {
  return [
    '-o',
    `ProxyCommand=${proxyCommand.map(shellWord).join(' ')}`,
    // The node's host key is remembered under its node name (not the brain's address), trusted on first use.
    '-o',
    `HostKeyAlias=octopod-${node}`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    `${user}@${node}`,
    // After the destination: OpenSSH reads options there too, and a remote command must come after it.
    ...extra,
  ];
}

/** The stored login; none is fine when the user is given. */
async function storedLogin(
  api: SshApi,
  node: string,
  user: string | undefined,
): Promise<SshLogin | undefined> {
  try {
    return await api.getSshLogin(node);
  } catch (error) {
    if (error instanceof OctopodApiError && error.code === 'no_ssh_login' && user) return undefined;
    if (error instanceof OctopodApiError && error.code === 'no_ssh_login')
      throw new OctlError(`${error.message}; or give the user: octl ssh login ${node} -u <user>`);
    throw error;
  }
}

/**
 * Runs ssh with the stored password offered through SSH_ASKPASS (a throw-away script reading it from ssh's own
 * environment), so it never appears on a command line; keys and agents work as usual.
 */
export async function sshLogin(
  api: SshApi,
  host: SshHost,
  node: string,
  options: { user?: string; extra: string[] },
): Promise<number> {
  const login = await storedLogin(api, node, options.user);
  const user = options.user ?? (login?.username as string);
  const args = sshArguments(node, user, host.octlCommand(['ssh', 'proxy', node]), options.extra);
  if (!login?.password) return host.runSsh(args, {});
  const dir = mkdtempSync(join(tmpdir(), 'octl-askpass-'));
  try {
    const script = join(dir, 'askpass');
    writeFileSync(script, '#!/bin/sh\nprintf \'%s\\n\' "$OCTL_SSH_PASSWORD"\n');
    chmodSync(script, 0o700);
    return await host.runSsh(args, {
      SSH_ASKPASS: script,
      SSH_ASKPASS_REQUIRE: 'force',
      OCTL_SSH_PASSWORD: login.password,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function registerSshLogin(ssh: Command, ctx: CliContext): void {
  ssh
    .command('login')
    .description('log in to a node with the system ssh, through the brain (the node may be behind NAT)')
    .argument('<node>', 'a node name')
    .argument('[ssh-args...]', 'after --: more ssh arguments (e.g. -- -L 8080:localhost:80, or a command)')
    .option('-u, --user <user>', 'log in as this user (default: the one `ssh set` stored)')
    .addHelpText(
      'after',
      `
Runs: ssh -o ProxyCommand='octl ssh proxy <node>' <user>@<node> — the stored password (if any) is offered to
ssh through SSH_ASKPASS; keys and agents work as usual. The node's host key is remembered as octopod-<node>.

Examples:
  octl ssh login pi-1
  octl ssh login pi-1 -u root -- uptime`,
    )
    .action(async (node: string, extra: string[], flags: { user?: string }) => {
      const code = await sshLogin(await sshApiOf(ctx), ctx.sshHost(), node, { user: flags.user, extra });
      if (code !== 0) throw new OctlError('', code);
    });
}
