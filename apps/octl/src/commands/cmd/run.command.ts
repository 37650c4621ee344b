import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { addCommonCmdOptions, OUTPUT_HELP } from './cmd-flags';
import { planCmd, type CmdFlags } from './cmd-options';
import { runCmd, runDepsOf } from './run-task';

export function registerCmdRun(cmd: Command, ctx: CliContext): void {
  addCommonCmdOptions(
    cmd
      .command('run')
      .usage("[-ta] [-c|-cc 'cmd' | -bg 'cmd' | -ss script.sh] [--timeout s] [--env K=V]... <node|@group>...")
      .description('run a command or script on nodes and wait for the results'),
  )
    .addHelpText(
      'after',
      `${OUTPUT_HELP}

Examples:
  octl cmd run 'uname -a' pi-1 pi-2
  octl cmd run -c 'df -h /' @lab
  octl cmd run -ta -cc 'date +%s.%N' ALL
  octl cmd run -bg 'python3 server.py' pi-1
  octl cmd run -ss ./collect.sh --env LEVEL=debug @lab -o json
  octl cmd run --timeout 30 'apt-get update' ALL`,
    )
    .action(async (args: string[], flags: CmdFlags) => {
      const plan = planCmd('run', args, flags);
      await runCmd(await runDepsOf(ctx), plan);
    });
}
