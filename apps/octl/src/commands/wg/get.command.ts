import type { Command } from 'commander';
import type { CliContext, WorkgroupApi } from '../../context';
import type { OutputSink } from '../../output/output';
import { renderTable } from '../../output/table';
import type { WorkgroupPlace } from './current-path';
import { displayPath, targetPath } from './wg-path';

/** Octopoda's `wg get`: the members of a group (the current group by default; the root holds every node). */
export async function wgGet(
  api: Pick<WorkgroupApi, 'getWorkgroup'>,
  place: WorkgroupPlace,
  input: string | undefined,
  out: OutputSink,
): Promise<void> {
  const group = await api.getWorkgroup({ path: displayPath(targetPath(place, input)) });
  const members = group.members;
  out.print({
    data: members,
    table: () =>
      renderTable(
        ['MEMBER'],
        members.map((name) => [name]),
      ),
  });
}

export function registerWgGet(wg: Command, ctx: CliContext): void {
  wg.command('get')
    .description('list the members of a workgroup (default: the current one)')
    .argument('[path]', 'absolute, or relative to the current group')
    .addHelpText('after', '\nExamples:\n  octl wg get\n  octl wg get /lab')
    .action(async (path: string | undefined) => {
      await wgGet(await ctx.workgroups(), ctx.workgroup(), path, ctx.output());
    });
}
