import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { addCommonCmdOptions, OUTPUT_HELP } from './cmd-flags';
import { planCmd, type CmdFlags } from './cmd-options';
import { runCmd, runDepsOf } from './run-task';

export function registerCmdXrun(cmd: Command, ctx: CliContext): void {
  addCommonCmdOptions(
    cmd
      .command('xrun')
      .usage("[-ta] [-c|-cc 'cmd' | -bg 'cmd' | -ss script.sh] [-d seconds] <node|@group>...")
      .description(
        'hand a command to nodes and return once every node has accepted it ("loaded"); it runs after the delay',
      ),
  )
    .option('--delay-execute <seconds>', 'start this many seconds after acceptance (also -d)', '0')
    .addHelpText(
      'after',
      `${OUTPUT_HELP}
The command's own output is not shown: see octl task logs <task id>.

Examples:
  octl cmd xrun -d 10 'reboot' @lab
  octl cmd xrun -ta -c 'systemctl restart app' ALL
  octl cmd xrun -ss ./upgrade.sh -d 60 pi-1 pi-2`,
    )
    .action(async (args: string[], flags: CmdFlags) => {
      const plan = planCmd('xrun', args, flags);
      await runCmd(await runDepsOf(ctx), plan);
    });
}
