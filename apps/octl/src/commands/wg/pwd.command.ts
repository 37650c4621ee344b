import type { Command } from 'commander';
import type { CliContext } from '../../context';
import type { OutputSink } from '../../output/output';
import type { WorkgroupPlace } from './current-path';
import { displayPath } from './wg-path';

/** Octopoda's `wg pwd`: the current group, `/` for the root. No request to the brain. */
export function wgPwd(place: WorkgroupPlace, out: OutputSink): void {
  const path = displayPath(place.current());
  out.print({ data: { path, root: displayPath(place.root) }, table: () => path });
}

export function registerWgPwd(wg: Command, ctx: CliContext): void {
  wg.command('pwd')
    .description('print the current workgroup (/ is the root)')
    .addHelpText('after', '\nExample:\n  octl wg pwd')
    .action(() => wgPwd(ctx.workgroup(), ctx.output()));
}
