import type { Command } from 'commander';
import type { CliContext } from '../../context';
import type { OutputSink } from '../../output/output';
import type { FileApi } from './file-api';
import { fileApiOf } from './file-api';
import { lsView } from './ls-view';

/** Octopoda's `file ls`: the directory's entries on a node (or `brain`), recursively, without dot-files. */
export async function fileLs(
  api: Pick<FileApi, 'listNodeFiles'>,
  dir: string,
  node: string,
  out: OutputSink,
): Promise<void> {
  out.print(lsView(await api.listNodeFiles(node, { path: dir, hidden: false })));
}

export function registerFileLs(file: Command, ctx: CliContext): void {
  file
    .command('ls')
    .description('list a directory on a node (or the brain), recursively, without dot-files')
    .argument(
      '<dir>',
      'relative = under the store ("." is the store), or @fstore/@workspace/@root/@log/@pakma/~',
    )
    .argument('<node>', 'a node name, or brain')
    .addHelpText(
      'after',
      `
With -o json (the default when stdout is not a terminal), Octopoda's listing:
  [{"Name","Size","ModifyTime"}]   Name relative to <dir>, ModifyTime like "06月18日 20:00" (local time)

Examples:
  octl file ls . pi-1
  octl file ls @log brain -o json`,
    )
    .action(async (dir: string, node: string) => {
      await fileLs(await fileApiOf(ctx), dir, node, ctx.output());
    });
}
