import type { Command } from 'commander';
import type { CliContext, WorkgroupApi } from '../../context';
import type { OutputSink } from '../../output/output';
import { checkTargets } from '../cmd/run-task';
import { TARGETS_HELP } from '../node/targets';
import { changeView } from './change-view';
import type { WorkgroupPlace } from './current-path';
import { displayPath, targetPath } from './wg-path';

/**
 * Octopoda's `wg add`: the names (and @groups, from the current group) must all be healthy nodes; the group is
 * created, without a password, when it does not exist. The brain allows only direct children of the root group.
 */
export async function wgAdd(
  api: Pick<WorkgroupApi, 'resolveNodes' | 'changeWorkgroupMembers'>,
  place: WorkgroupPlace,
  input: string,
  targets: string[],
  out: OutputSink,
): Promise<void> {
  const path = targetPath(place, input);
  const members = await checkTargets(api, targets);
  out.print(
    changeView(await api.changeWorkgroupMembers({ path: displayPath(path), action: 'add', members })),
  );
}

export function registerWgAdd(wg: Command, ctx: CliContext): void {
  wg.command('add')
    .description('add healthy nodes to a workgroup, creating it (without a password) if needed')
    .argument('<path>', 'a direct child of your root group: absolute, or relative to the current group')
    .argument('<targets...>', TARGETS_HELP)
    .addHelpText('after', '\nExamples:\n  octl wg add /lab pi-1 pi-2\n  octl wg add lab @other')
    .action(async (path: string, targets: string[]) => {
      await wgAdd(await ctx.workgroups(), ctx.workgroup(), path, targets, ctx.output());
    });
}
