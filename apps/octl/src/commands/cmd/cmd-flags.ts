import type { Command } from 'commander';
import { TARGETS_HELP } from '../node/targets';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The options `cmd run` and `cmd xrun` share; Octopoda's two-letter spellings are rewritten before parsing. */
export function addCommonCmdOptions(command: Command): Command {
  return command
    .argument('[command-and-targets...]', `the command (when no -c/-bg/-ss is given), then ${TARGETS_HELP}`)
    .option('--time-align', 'start at the same instant on every node (also -ta)')
    .option('--common-command <cmd>', 'the shell command to run (also -c, -cc)')
    .option('--background <cmd>', 'start the command detached and return its PID (also -bg)')
    .option(
      '--shellscript <file>',
      'run this local script; the result is what it writes to $OCTOPODA_OUTPUT (also -ss)',
    )
    .option('--timeout <seconds>', 'kill the command after this long (default: no limit, as Octopoda)')
    .option('--env <KEY=VALUE>', 'extra environment variable (repeatable)', collect)
    .option(
      '--delivery-timeout <seconds>',
      'wait this long for nodes that are not connected (default 60), then report them not delivered',
    )
    .option('--max-concurrency <n>', 'run on at most n nodes at a time; the next node starts as one ends')
    .option('--max-errors <n>', 'send to no further node once more than n nodes failed');
}

export const OUTPUT_HELP = `
Output: on a terminal, each node's output streams as it arrives, prefixed "[node] ", then a summary.
With -o json (the default when stdout is not a terminal), Octopoda's result object:
  {"Results":[{"Name","Code","CommunicationErrorMsg","ProcessErrorMsg","Result","ResultCompatible"}],
   "Total","Success","CommunicationError","ProcessError"}   Code: 0 ok, 1 not delivered, 2 failed
Ctrl-C cancels the task on the nodes (exit 130); exit 1 if any node failed.
Note: after "cmd run", -c is the command (as in Octopoda); give the config first or as --config.`;
