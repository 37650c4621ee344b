import { writeTokenFile } from '@octopod/sdk';
import type { Command } from 'commander';
import { hostname, userInfo } from 'node:os';
import type { CliContext } from '../../context';
import { UsageError } from '../../errors';
import { parseDuration } from '../../format/duration';
import type { OutputSink } from '../../output/output';
import type { Session } from './session';

export interface LoginOptions {
  path?: string;
  name?: string;
  ttl?: string;
  passwordStdin?: boolean;
}

function defaultName(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `octl@${hostname()}`;
  }
}

/** Trades the workgroup's password for an API token and keeps it in the token file; the secret is never shown. */
export async function login(
  session: Session,
  options: LoginOptions,
  out: OutputSink,
  warn: (t: string) => void,
) {
  let ttlSeconds: number | undefined;
  if (options.ttl !== undefined) {
    const ms = parseDuration(options.ttl);
    if (ms === undefined)
      throw new UsageError(`--ttl must be a span such as 30m, 12h or 7d, got "${options.ttl}"`);
    ttlSeconds = Math.round(ms / 1000);
  }
  const path = options.path ?? (session.defaultPath || '/');
  const password = await session.readPassword(
    `Password for workgroup ${path}: `,
    options.passwordStdin === true,
  );
  const client = await session.anonymous();
  const result = await client.login({ path, password, name: options.name ?? defaultName(), ttlSeconds });
  const { token, ...about } = result;
  await writeTokenFile(session.tokenFile, { token, ...about });
  if (session.usesCertificate) {
    warn(
      'octl: note: octl.yaml names a client certificate, so octl keeps using it; the token is used without one\n',
    );
  }
  const data = { ...about, tokenFile: session.tokenFile };
  out.print({
    data,
    table: () =>
      `logged in to ${about.path} as "${about.name}" (token ${about.id}, valid until ${about.expiresAt})\n` +
      `token saved in ${session.tokenFile}`,
  });
}

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command('login')
    .description("get an API token for a workgroup with its password, kept in octl.yaml's auth.tokenFile")
    .option('--path <path>', 'the workgroup (default: octl.yaml workgroup.root, or /)')
    .option('--name <name>', 'a label for the token in listings and the audit trail (default: user@host)')
    .option('--ttl <span>', 'how long the token lasts, e.g. 30m, 12h, 7d (default 12h, at most 30d)')
    .option('--password-stdin', 'read the password from stdin instead of asking on the terminal')
    .addHelpText(
      'after',
      '\nExamples:\n  octl login\n  octl login --path /lab --ttl 7d\n  echo "$LAB_PASSWORD" | octl login --path /lab --password-stdin',
    )
    .action(async (options: LoginOptions) => {
      await login(ctx.session(), options, ctx.output(), ctx.terminal.writeErr);
    });
}
