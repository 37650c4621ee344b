import { OctopodApiError } from '@octopod/sdk';
import type { Command } from 'commander';
import type { CliContext, WorkgroupApi } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink } from '../../output/output';
import type { WorkgroupPlace } from './current-path';
import { displayPath, targetPath } from './wg-path';

/**
 * Octopoda's `wg cd`: no argument or `~` is the root group; a relative path is taken from the current group. The
 * brain must know the group; the check acts in the target group itself, so a current group deleted meanwhile does
 * not stand in the way.
 */
export async function wgCd(
  connect: (workgroupPath: string) => Promise<Pick<WorkgroupApi, 'getWorkgroup'>>,
  place: WorkgroupPlace,
  input: string | undefined,
  out: OutputSink,
): Promise<void> {
  const path = input === undefined || input === '~' ? place.root : targetPath(place, input);
  try {
    await (await connect(path)).getWorkgroup({ path: displayPath(path) });
  } catch (error) {
    if (error instanceof OctopodApiError && error.code === 'workgroup_not_found') {
      throw new OctlError(`cannot cd to ${displayPath(path)}: no such workgroup`);
    }
    throw error;
  }
  place.save(path);
  out.print({ data: { path: displayPath(path) }, table: () => `cd to ${displayPath(path)}` });
}

export function registerWgCd(wg: Command, ctx: CliContext): void {
  wg.command('cd')
    .description('change the current workgroup (kept in workgroup.currentPathFile)')
    .argument('[path]', 'absolute, or relative to the current group (.. goes up); none or ~: the root group')
    .addHelpText('after', '\nExamples:\n  octl wg cd /lab\n  octl wg cd sub\n  octl wg cd ..\n  octl wg cd')
    .action(async (path: string | undefined) => {
      await wgCd((at) => ctx.workgroups(at), ctx.workgroup(), path, ctx.output());
    });
}
