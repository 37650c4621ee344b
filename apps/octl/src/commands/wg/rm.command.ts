import type { Command } from 'commander';
import type { CliContext, Terminal, WorkgroupApi } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { TARGETS_HELP } from '../node/targets';
import { changeView } from './change-view';
import type { WorkgroupPlace } from './current-path';
import { displayPath, targetPath } from './wg-path';

/**
 * Octopoda's `wg rm`: names leave the group and every group below it, and a group left empty is deleted with its
 * subtree; without names the group and its subtree are deleted. Unhealthy nodes may be removed; unknown names are
 * skipped with a warning, and refused when nothing else is named.
 */
export async function wgRm(
  api: Pick<WorkgroupApi, 'resolveNodes' | 'changeWorkgroupMembers' | 'deleteWorkgroup'>,
  place: WorkgroupPlace,
  input: string,
  targets: string[],
  out: OutputSink,
  terminal: Pick<Terminal, 'writeErr'>,
): Promise<void> {
  const path = displayPath(targetPath(place, input));
  if (targets.length === 0) {
    out.print(changeView(await api.deleteWorkgroup({ path })));
    return;
  }
  const resolved = await api.resolveNodes({ targets });
  const members = [...resolved.online, ...resolved.unhealthy];
  if (members.length === 0) {
    throw new OctlError(
      `no valid names to remove (${resolved.unknown.join(', ')}); to delete the workgroup: octl wg rm ${path}`,
    );
  }
  if (resolved.unknown.length > 0) {
    terminal.writeErr(`octl: skipping unknown nodes or groups: ${resolved.unknown.join(', ')}\n`);
  }
  out.print(changeView(await api.changeWorkgroupMembers({ path, action: 'remove', members })));
}

export function registerWgRm(wg: Command, ctx: CliContext): void {
  wg.command('rm')
    .description('remove nodes from a workgroup and all below it, or delete the workgroup (no names)')
    .argument('<path>', 'a direct child of your root group: absolute, or relative to the current group')
    .argument('[targets...]', TARGETS_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  octl wg rm /lab pi-1\n  octl wg rm /lab    # deletes /lab and its subgroups',
    )
    .action(async (path: string, targets: string[]) => {
      await wgRm(await ctx.workgroups(), ctx.workgroup(), path, targets, ctx.output(), ctx.terminal);
    });
}
