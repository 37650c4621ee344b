import type { Command } from 'commander';
import type { CliContext, WorkgroupApi } from '../../context';
import type { OutputSink } from '../../output/output';
import { renderTable } from '../../output/table';
import type { WorkgroupPlace } from './current-path';
import { childName, displayPath, targetPath } from './wg-path';

/** Octopoda's `wg ls`: the names of a group's children, relative to it (the current group by default). */
export async function wgLs(
  api: Pick<WorkgroupApi, 'getWorkgroup'>,
  place: WorkgroupPlace,
  input: string | undefined,
  out: OutputSink,
): Promise<void> {
  const path = targetPath(place, input);
  const group = await api.getWorkgroup({ path: displayPath(path) });
  const names = group.children.map((child) => childName(path, child));
  out.print({
    data: names,
    table: () =>
      renderTable(
        ['NAME'],
        names.map((name) => [name]),
      ),
  });
}

export function registerWgLs(wg: Command, ctx: CliContext): void {
  wg.command('ls')
    .description('list the groups below a workgroup (default: the current one)')
    .argument('[path]', 'absolute, or relative to the current group')
    .addHelpText('after', '\nExamples:\n  octl wg ls\n  octl wg ls /lab')
    .action(async (path: string | undefined) => {
      await wgLs(await ctx.workgroups(), ctx.workgroup(), path, ctx.output());
    });
}
