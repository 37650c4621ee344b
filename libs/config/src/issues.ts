import type { z } from 'zod';
import type { Env, EnvOverrides } from './env-overrides';

export interface IssueOptions {
  /** With `env`: a bad value an env var supplied ends in "(from VAR)". */
  overrides?: EnvOverrides;
  env?: Env;
  /** Report a missing value as "is required" rather than zod's "…, received undefined" (default true). */
  missingAsRequired?: boolean;
}

/** One line per issue: `field.path: message`, `(root)` for the document itself. */
export function formatIssues(error: z.ZodError, options: IssueOptions = {}): string[] {
  const { overrides = {}, env = {}, missingAsRequired = true } = options;
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    // zod 4 does not keep the input on issues, so a missing value is recognised by its message.
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    const message = missing && missingAsRequired ? 'is required' : issue.message;
    const variable = Object.entries(overrides).find(
      ([name, fieldPath]) => env[name] !== undefined && fieldPath.join('.') === field,
    )?.[0];
    return `${field}: ${message}${variable ? ` (from ${variable})` : ''}`;
  });
}
