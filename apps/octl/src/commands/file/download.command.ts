import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { planDownload } from './file-options';
import { fileDepsOf } from './file-task';
import { runDownload } from './download';

export function registerFileDownload(file: Command, ctx: CliContext): void {
  file
    .command('download')
    .usage('<remoteFileOrDir> <localDir> <node|brain>')
    .description('fetch a file or directory from one node (or the brain) into a local directory')
    .argument(
      '<remoteFileOrDir>',
      'on the node: relative = under the store, or @fstore/@workspace/@root/@log/@pakma/~',
    )
    .argument('<localDir>', 'created if missing; the result is <localDir>/<its name>')
    .argument('<node>', 'one node name, or brain (groups are refused)')
    .addHelpText(
      'after',
      `
A directory comes as a tar and is unpacked to <localDir>/<its name>/...; existing files are replaced. A progress
bar on a terminal. Prints [INFO] Success, or with -o json what was written:
  {"node","remote","local","type","size","sha256"}

Examples:
  octl file download @log/tentacle.log ./logs pi-1
  octl file download @fstore/results . pi-2
  octl file download @log ./brain-logs brain`,
    )
    .action(async (remote: string, localDir: string, node: string) => {
      const plan = planDownload(remote, localDir, node);
      await runDownload(await fileDepsOf(ctx), plan);
    });
}
