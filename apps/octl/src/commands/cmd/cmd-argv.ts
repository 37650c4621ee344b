import { rewriteFlagsAfter, verbIndexOf } from '../command-words';

/** Octopoda's spellings for `cmd run` / `cmd xrun` (reference spec §4.2), and `-c`, which its README documents. */
const OCTOPODA_FLAGS: ReadonlyMap<string, string> = new Map([
  ['-ta', '--time-align'],
  ['-c', '--common-command'],
  ['-cc', '--common-command'],
  ['-bg', '--background'],
  ['-ss', '--shellscript'],
  ['-d', '--delay-execute'],
]);

/** Options of `cmd run`/`xrun` and global ones that take a value: the next argument is never a flag to rewrite. */
const TAKES_VALUE = new Set([
  '--common-command',
  '--background',
  '--shellscript',
  '--delay-execute',
  '--timeout',
  '--env',
  '--delivery-timeout',
  '--max-concurrency',
  '--max-errors',
  '--config',
  '--output',
  '-o',
]);

/** Global options with a value that may come before the subcommand (`octl -c octl.yaml cmd run …`). */
const GLOBAL_WITH_VALUE = new Set(['-c', '--config', '-o', '--output']);

const VERBS = new Set(['run', 'xrun']);

/** Index of `run`/`xrun` when the command line is `octl [globals] cmd run|xrun …`, else -1. */
function verbIndex(argv: readonly string[]): number {
  return verbIndexOf(argv, 'cmd', VERBS, GLOBAL_WITH_VALUE);
}

/**
 * Rewrites Octopoda's flags after `cmd run`/`cmd xrun` into long options, in both `-x value` and `-x=value`
 * forms. `-c` there is the command (as in Octopoda's README), so the config must come first (`octl -c f cmd run`)
 * or as `--config`. Values of options (the command text itself) and everything after `--` are left alone.
 */
export function rewriteCmdFlags(argv: readonly string[]): string[] {
  const verb = verbIndex(argv);
  if (verb === -1) return [...argv];
  return rewriteFlagsAfter(argv, verb, OCTOPODA_FLAGS, TAKES_VALUE);
}
