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
