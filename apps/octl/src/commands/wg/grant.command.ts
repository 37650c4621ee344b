import type { Command } from 'commander';
import type { CliContext, WorkgroupApi } from '../../context';
import { UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import type { WorkgroupPlace } from './current-path';
import { displayPath, targetPath } from './wg-path';

/** Octopoda asks for at least 6 characters (its message says "longer than 6"); checked here and by the brain. */
export const MIN_PASSWORD_LENGTH = 6;

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`a workgroup password has at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

/** Octopoda's `wg grant`: sets the password of a direct child of the root group, so it can be logged into. */
export async function wgGrant(
  api: Pick<WorkgroupApi, 'grantWorkgroup'>,
  place: WorkgroupPlace,
  input: string,
  password: string,
  out: OutputSink,
): Promise<void> {
  checkPassword(password);
  const path = displayPath(targetPath(place, input));
  await api.grantWorkgroup({ path, password });
  out.print({ data: { path, granted: true }, table: () => 'OK' });
}

export function registerWgGrant(wg: Command, ctx: CliContext): void {
  wg.command('grant')
    .description('set the password of a workgroup, so it can be logged into')
    .argument(
      '<path>',
      'an existing direct child of your root group: absolute, or relative to the current group',
    )
    .argument('<password>', `at least ${MIN_PASSWORD_LENGTH} characters`)
    .addHelpText('after', '\nExample:\n  octl wg grant /lab s3cret-lab')
    .action(async (path: string, password: string) => {
      checkPassword(password); // before connecting
      await wgGrant(await ctx.workgroups(), ctx.workgroup(), path, password, ctx.output());
    });
}
