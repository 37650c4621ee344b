/**
 * Index of the verb when the command line is `octl [globals] <noun> <verb> …` with `verb` one of `verbs`, else -1.
 * `withValue` names the options before the subcommand whose next argument is their value, not a word.
 */
export function verbIndexOf(
  argv: readonly string[],
  noun: string,
  verbs: ReadonlySet<string>,
  withValue: ReadonlySet<string>,
): number {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i];
    if (arg === '--') return -1;
    if (withValue.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(i);
  }
  return words.length === 2 && argv[words[0]] === noun && verbs.has(argv[words[1]]) ? words[1] : -1;
}

/**
 * Rewrites the flags after the verb at `verb` with `flags` (short or Octopoda spelling → long option), in both
 * `-x value` and `-x=value` forms. Values of options in `takesValue` and everything after `--` are left alone.
 */
export function rewriteFlagsAfter(
  argv: readonly string[],
  verb: number,
  flags: ReadonlyMap<string, string>,
  takesValue: ReadonlySet<string>,
): string[] {
  const out = argv.slice(0, verb + 1);
  for (let i = verb + 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const long = flags.get(name) ?? name;
    out.push(eq === -1 ? long : `${long}=${arg.slice(eq + 1)}`);
    if (eq === -1 && takesValue.has(long) && i + 1 < argv.length) out.push(argv[++i]);
  }
  return out;
}
