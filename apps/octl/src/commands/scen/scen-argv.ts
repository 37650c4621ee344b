import { UsageError } from '../../errors';
import { OUTPUT_FORMATS } from '../../output/output';
import { rewriteFlagsAfter, verbIndexOf } from '../command-words';

/**
 * Octopoda's one-letter flags, as long options, so both its spellings (`-x value`, `-x=value`) work. Two of them
 * would otherwise be taken by octl's global options: in `scen|napp version`, `-o` is the offset (not the output
 * format); in `scen|napp reset`, `-v`/`--version` is the version to go back to (not octl's version).
 */
const FLAGS_BY_VERB: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([
  ['apply', new Map([['-m', '--message']])],
  [
    'version',
    new Map([
      ['-o', '--offset'],
      ['-l', '--limit'],
    ]),
  ],
  [
    'reset',
    new Map([
      ['-v', '--to-version'],
      ['--version', '--to-version'],
      ['-m', '--message'],
    ]),
  ],
]);

const NOUNS = ['scen', 'napp'];
const VERBS = new Set(FLAGS_BY_VERB.keys());

/** Global options with a value that may come before the subcommand (`octl -c octl.yaml scen version …`). */
const GLOBAL_WITH_VALUE = new Set(['-c', '--config', '-o', '--output']);

/** Options whose next argument is their value (so a message like "-v" is never rewritten). */
const TAKES_VALUE = new Set([
  ...GLOBAL_WITH_VALUE,
  '--offset',
  '--limit',
  '--to-version',
  '--message',
  '--git',
  '--ref',
]);

/** E.g. `-o 2` / `-o=2` after `scen version` → `--offset 2` / `--offset=2`; `-v` after `scen reset` → `--to-version`. */
export function rewriteScenFlags(argv: readonly string[]): string[] {
  const verb = NOUNS.map((noun) => verbIndexOf(argv, noun, VERBS, GLOBAL_WITH_VALUE)).find((i) => i !== -1);
  if (verb === undefined) return [...argv];
  const flags = FLAGS_BY_VERB.get(argv[verb])!;
  return rewriteFlagsAfter(argv, verb, flags, TAKES_VALUE);
}

/** Octopoda's paging of version lists: newest first, `offset` newest skipped, `limit` shown (defaults 0 and 5). */
export interface Page {
  offset: number;
  limit: number;
}

/** The brain's bounds for `offset` and `limit`. */
const MAX_OFFSET = 1_000_000;
const MAX_LIMIT = 1000;

function count(flag: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new UsageError(`${flag} must be a whole number from 0 to ${max}, got "${text}"`);
  }
  return value;
}

export function parsePage(options: { offset?: string; limit?: string }): Page {
  if (options.offset !== undefined && (OUTPUT_FORMATS as readonly string[]).includes(options.offset)) {
    throw new UsageError(
      `-o here is the offset (as in Octopoda), got "${options.offset}": give the output format as --output ${options.offset}`,
    );
  }
  return {
    offset: count('-o/--offset', options.offset, 0, MAX_OFFSET),
    limit: count('-l/--limit', options.limit, 5, MAX_LIMIT),
  };
}

/** What `scen reset` and `napp reset` need: a version prefix and a message, both required (Octopoda). */
export interface ResetOptions {
  toVersion?: string;
  message?: string;
}

const VERSION_PREFIX = /^[0-9a-f]{2,40}$/i;

export function parseReset(command: string, options: ResetOptions): { version: string; message: string } {
  const { toVersion: version, message } = options;
  const missing = [!version && '-v <version>', !message && '-m <message>'].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`${command} needs ${missing.join(' and ')}`);
  if (!VERSION_PREFIX.test(version!)) {
    throw new UsageError(`-v wants a version hash or a prefix of it (2 to 40 hex digits), got "${version}"`);
  }
  return { version: version!, message: message! };
}
