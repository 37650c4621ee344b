import type { OctopodClient } from '@octopod/sdk';
import type { CliContext } from '../../context';
import { OctlError } from '../../errors';

/** The brain operations of `ssh`. */
export type SshApi = Pick<
  OctopodClient,
  'setSshLogin' | 'getSshLogin' | 'listSshLogins' | 'deleteSshLogin' | 'sshTunnel'
>;

/** The connected client, with its ssh operations. */
export async function sshApiOf(ctx: Pick<CliContext, 'client'>): Promise<SshApi> {
  const api = (await ctx.client()) as Partial<Record<string, unknown>>;
  if (typeof api.sshTunnel !== 'function' || typeof api.getSshLogin !== 'function')
    throw new OctlError('this brain client has no ssh operations');
  return api as unknown as SshApi;
}
