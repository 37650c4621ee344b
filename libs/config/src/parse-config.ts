import type { z } from 'zod';
import { ConfigError } from './config-error';
import { applyEnvOverrides, isMapping, type Env, type EnvOverrides } from './env-overrides';
import { formatIssues } from './issues';

export interface ParseOptions {
  /** Names the first line of the error: "invalid <app> configuration:". */
  app: string;
  overrides?: EnvOverrides;
  env?: Env;
  /** End an issue about a value an env var supplied with "(from VAR)" (default true). */
  citeEnv?: boolean;
  /** Report a missing value as "is required" rather than zod's "…, received undefined" (default true). */
  missingAsRequired?: boolean;
}

/** A document's top level as a mapping; `null`/`undefined` (an empty file) is `{}`. */
export function asMapping(doc: unknown, app: string): Record<string, unknown> {
  if (doc === null || doc === undefined) return {};
  if (!isMapping(doc)) throw new ConfigError(app, ['(root): the config file must be a YAML mapping']);
  return doc;
}

/**
 * Validates a parsed document, with env overrides applied, against `schema`. Pure: no file or process access.
 * Throws a ConfigError naming every bad field.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  doc: unknown,
  options: ParseOptions,
): z.output<S> {
  const { app, overrides = {}, env = {}, citeEnv = true, missingAsRequired = true } = options;
  const parsed = schema.safeParse(applyEnvOverrides(asMapping(doc, app), overrides, env));
  if (!parsed.success) {
    throw new ConfigError(
      app,
      formatIssues(parsed.error, { overrides: citeEnv ? overrides : {}, env, missingAsRequired }),
    );
  }
  return parsed.data;
}
