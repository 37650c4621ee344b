import { OctopodApiError } from '@octopod/sdk';
import { UsageError } from '../../errors';

/** What commander hands `scen apply` (Octopoda's `-m` rewritten to `--message` before parsing). */
export interface ApplyFlags {
  message?: string;
  stopOnError?: boolean;
  git?: string;
  ref?: string;
}

/** The scenario folder: a local one (packed and uploaded), or a git repository the brain fetches. */
export type ApplySource = { dir: string } | { git: { url: string; ref: string } };

export interface ApplyPlan {
  source: ApplySource;
  target: string;
  message?: string;
  stopOnError: boolean;
}

export const DEFAULT_TARGET = 'default';
/** Fetched when no --ref is given: the branch the repository's HEAD names. */
export const DEFAULT_REF = 'HEAD';

/**
 * `scen apply <scenDir> [target]`, or `scen apply --git <url> [--ref <ref>] [target]`. Target `commit` records a
 * version with the message, so (as in Octopoda) it is refused without `-m`.
 */
export function planApply(words: readonly string[], flags: ApplyFlags): ApplyPlan {
  const [first, ...rest] = words;
  let source: ApplySource;
  let target: string | undefined;
  if (flags.git !== undefined) {
    if (!flags.git) throw new UsageError('--git wants the URL of a repository');
    if (words.length > 1) {
      throw new UsageError(`with --git the only argument is the target, got: ${words.join(' ')}`);
    }
    source = { git: { url: flags.git, ref: flags.ref || DEFAULT_REF } };
    target = first;
  } else {
    if (flags.ref !== undefined) throw new UsageError('--ref goes with --git <url>');
    if (first === undefined || first === '') {
      throw new UsageError('which scenario? give its folder: octl scen apply <scenDir> [target]');
    }
    if (rest.length > 1) throw new UsageError(`too many arguments: ${rest.slice(1).join(' ')}`);
    source = { dir: first };
    target = rest[0];
  }
  target ||= DEFAULT_TARGET;
  if (target === 'commit' && !flags.message) {
    throw new UsageError('target commit records a new version and needs its message: -m <message>');
  }
  return { source, target, message: flags.message, stopOnError: flags.stopOnError === true };
}

/**
 * The problems of a folder the brain refused as `invalid_scenario`, one `file:line: field: message` each: the
 * brain's message is a first line, then every issue on its own indented line.
 */
export function scenarioIssues(error: unknown): string[] | undefined {
  if (!(error instanceof OctopodApiError) || error.code !== 'invalid_scenario') return undefined;
  const structured = error.details.issues;
  if (Array.isArray(structured) && structured.length > 0) {
    return structured.map((issue: { file?: unknown; line?: unknown; field?: unknown; message?: unknown }) => {
      const where =
        typeof issue.line === 'number' ? `${String(issue.file)}:${issue.line}` : String(issue.file);
      return issue.field
        ? `${where}: ${String(issue.field)}: ${String(issue.message)}`
        : `${where}: ${String(issue.message)}`;
    });
  }
  // An older brain: the issues are the message's indented lines.
  const issues = error.message
    .split('\n')
    .slice(1)
    .map((text) => text.trim())
    .filter(Boolean);
  return issues.length > 0 ? issues : undefined;
}
