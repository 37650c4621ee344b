import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { TARGETS_HELP } from '../node/targets';
import { planUpload, type UploadFlags } from './file-options';
import { fileDepsOf } from './file-task';
import { runUpload } from './upload';

export function registerFileUpload(file: Command, ctx: CliContext): void {
  file
    .command('upload')
    .usage('[-f|-f=false] <localFileOrDir> <targetDir> <node|@group>...')
    .description('send a local file or directory to nodes (once to the brain, from there to every node)')
    .argument(
      '<localFileOrDir>',
      'a file (sent as it is, with its permission bits) or a directory (sent whole)',
    )
    .argument(
      '<targetDir>',
      'directory on the nodes: relative = under the store, "." = the store itself, or @fstore/@workspace/@root/@log/@pakma/~',
    )
    .argument('<targets...>', TARGETS_HELP)
    .option(
      '-f, --force',
      'create the target directory where it is missing (default; -f=false to turn it off)',
    )
    .option('--no-force', 'fail on the nodes where the target directory is missing (also -f=false)')
    .option('--delivery-timeout <seconds>', 'wait this long for nodes that are not connected (default 60)')
    .option('--max-concurrency <n>', 'send to at most n nodes at a time')
    .option('--max-errors <n>', 'send to no further node once more than n nodes failed')
    .addHelpText(
      'after',
      `
A directory lands as <targetDir>/<its name>/..., a file as <targetDir>/<its name>; existing files are replaced.
On a terminal, progress bars: the upload to the brain, then each node. Otherwise a line per node on stderr as
it finishes. With -o json (the default when stdout is not a terminal), Octopoda's results:
  [{"Name","Code","CommunicationErrorMsg","ProcessErrorMsg","Result","ResultCompatible"}]
  Code: 0 ok (Result "OK"), 1 not delivered, 2 failed (ProcessErrorMsg says why)
Ctrl-C cancels on the nodes (exit 130); exit 1 if any node failed.

Examples:
  octl file upload ./app.tar.gz . pi-1 pi-2
  octl file upload ./conf @fstore/etc @lab
  octl file upload -f=false big.bin releases ALL -o json`,
    )
    .action(async (local: string, targetDir: string, targets: string[], flags: UploadFlags) => {
      const plan = planUpload(local, targetDir, targets, flags);
      await runUpload(await fileDepsOf(ctx), plan);
    });
}
