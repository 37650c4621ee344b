import { UsageError } from '../../errors';
import { verbIndexOf } from '../command-words';

/** Go's strconv.ParseBool, which Octopoda's `-f=<bool>` goes through. */
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((text) => [text, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((text) => [text, false] as const),
]);

/** Options before or after `file upload` whose next argument is their value, never a flag to rewrite. */
const TAKES_VALUE = new Set([
  '-c',
  '--config',
  '-o',
  '--output',
  '--delivery-timeout',
  '--max-concurrency',
  '--max-errors',
]);

const UPLOAD = new Set(['upload']);

/** Index of `upload` when the command line is `octl [globals] file upload …`, else -1. */
function uploadIndex(argv: readonly string[]): number {
  return verbIndexOf(argv, 'file', UPLOAD, TAKES_VALUE);
}

/**
 * `file upload`'s `-f` is a boolean that defaults to true (Octopoda), so turning it off takes `-f=false` or
 * `--force=false` (any of Go's boolean spellings): rewritten to `--force` / `--no-force` before commander parses.
 */
export function rewriteFileFlags(argv: readonly string[]): string[] {
  const verb = uploadIndex(argv);
  if (verb === -1) return [...argv];
  const out = argv.slice(0, verb + 1);
  for (let i = verb + 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const match = /^(-f|--force)=(.*)$/s.exec(arg);
    if (match) {
      const value = BOOLEANS.get(match[2]);
      if (value === undefined) throw new UsageError(`${match[1]} wants true or false, got "${match[2]}"`);
      out.push(value ? '--force' : '--no-force');
      continue;
    }
    out.push(arg);
    if (TAKES_VALUE.has(arg) && i + 1 < argv.length) out.push(argv[++i]);
  }
  return out;
}
