import type { OctopodClient } from '@octopod/sdk';
import type { CliContext } from '../../context';
import { OctlError } from '../../errors';

/** The brain operations of `log`: resolving targets and reading a node's (or the brain's) log tail. */
export type LogApi = Pick<OctopodClient, 'resolveNodes' | 'nodeLogs'>;

/** The connected client, with its log operation (the CLI context types its client by the other commands' needs). */
export async function logApiOf(ctx: Pick<CliContext, 'client'>): Promise<LogApi> {
  const api = (await ctx.client()) as Partial<Record<string, unknown>>;
  if (typeof api.nodeLogs !== 'function')
    throw new OctlError('this brain client has no log operations (nodeLogs)');
  return api as unknown as LogApi;
}
