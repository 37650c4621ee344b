import { readTokenFile, removeTokenFile } from '@octopod/sdk';
import type { Command } from 'commander';
import type { AccessApi, CliContext } from '../../context';
import type { OutputSink } from '../../output/output';
import type { Session } from '../auth/session';
import { revokedText } from './token-text';

/** Revokes a token at once; when it is the one octl keeps, the token file goes too. */
export async function tokenRevoke(
  api: Pick<AccessApi, 'revokeToken'>,
  id: string,
  session: Pick<Session, 'tokenFile'>,
  out: OutputSink,
): Promise<void> {
  const token = await api.revokeToken(id);
  const own = (await readTokenFile(session.tokenFile).catch(() => undefined))?.id === id;
  if (own) await removeTokenFile(session.tokenFile);
  out.print({
    data: token,
    table: () =>
      own ? `${revokedText(token)}; it was octl's own: ${session.tokenFile} removed` : revokedText(token),
  });
}

export function registerTokenRevoke(token: Command, ctx: CliContext): void {
  token
    .command('revoke')
    .description('revoke an API token at once (your workgroup and below)')
    .argument('<id>', 'the token id, as `octl token ls` shows it')
    .addHelpText('after', '\nExample:\n  octl token revoke tok_3f9a0c2e5b7d1a64')
    .action(async (id: string) => {
      await tokenRevoke(await ctx.access(), id, ctx.session(), ctx.output());
    });
}
