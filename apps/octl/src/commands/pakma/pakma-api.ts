import type { OctopodClient } from '@octopod/sdk';
import type { CliContext } from '../../context';
import { OctlError } from '../../errors';

/** The brain operations of `pakma`. */
export type PakmaApi = Pick<OctopodClient, 'pakmaCommand' | 'startRollout' | 'getRollout' | 'listRollouts'>;

export async function pakmaApiOf(ctx: Pick<CliContext, 'client'>): Promise<PakmaApi> {
  const api = (await ctx.client()) as Partial<Record<string, unknown>>;
  if (typeof api.pakmaCommand !== 'function' || typeof api.startRollout !== 'function')
    throw new OctlError('this brain client has no pakma operations');
  return api as unknown as PakmaApi;
}
