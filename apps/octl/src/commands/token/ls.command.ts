import type { Command } from 'commander';
import type { AccessApi, CliContext } from '../../context';
import type { OutputSink } from '../../output/output';
import { tokenListTable } from './token-text';

/** API tokens of the caller's workgroup and below; never their secrets. */
export async function tokenLs(api: Pick<AccessApi, 'listTokens'>, out: OutputSink): Promise<void> {
  const list = await api.listTokens();
  out.print({ data: list, table: () => tokenListTable(list) });
}

export function registerTokenLs(token: Command, ctx: CliContext): void {
  token
    .command('ls')
    .description('list the API tokens of your workgroup and the groups below it (secrets are never shown)')
    .addHelpText('after', '\nExamples:\n  octl token ls\n  octl token ls -o json')
    .action(async () => {
      await tokenLs(await ctx.access(), ctx.output());
    });
}
