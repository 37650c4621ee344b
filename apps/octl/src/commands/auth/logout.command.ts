import { OctopodApiError, readTokenFile, removeTokenFile } from '@octopod/sdk';
import type { Command } from 'commander';
import type { AccessApi, CliContext } from '../../context';
import type { OutputSink } from '../../output/output';
import type { Session } from './session';

/** Revokes the saved token at the brain and removes the token file; a token the brain already refuses is just dropped. */
export async function logout(
  session: Session,
  connect: () => Promise<Pick<AccessApi, 'revokeToken'>>,
  out: OutputSink,
): Promise<void> {
  const saved = await readTokenFile(session.tokenFile);
  if (!saved) {
    out.print({
      data: { loggedOut: false },
      table: () => `not logged in (no token in ${session.tokenFile})`,
    });
    return;
  }
  let note = 'revoked';
  if (saved.id) {
    try {
      await (await connect()).revokeToken(saved.id);
    } catch (error) {
      // Expired or already revoked: nothing left to revoke.
      if (!(error instanceof OctopodApiError && error.status === 401)) throw error;
      note = 'no longer valid';
    }
  } else {
    note = 'not revoked (the token file has no id)';
  }
  await removeTokenFile(session.tokenFile);
  out.print({
    data: { loggedOut: true, id: saved.id ?? null, revoked: note === 'revoked' },
    table: () =>
      `logged out: token ${saved.id ?? ''} ${note}; ${session.tokenFile} removed`.replace('  ', ' '),
  });
}

export function registerLogout(program: Command, ctx: CliContext): void {
  program
    .command('logout')
    .description('revoke the API token octl keeps and delete it')
    .addHelpText('after', '\nExample:\n  octl logout')
    .action(async () => {
      await logout(ctx.session(), () => ctx.access(), ctx.output());
    });
}
