/** The environment as the config sees it (`process.env` fits). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Env var -> the config field it sets, as a path of keys (`REDIS_URL: ['redis', 'url']`). */
export type EnvOverrides = Readonly<Record<string, readonly string[]>>;

/**
 * A copy of `doc` with every set env var written into its field. Values stay strings: the schema coerces them
 * (see `numeric`, `booleanish`), so a bad one is reported against the field like a bad file value.
 */
export function applyEnvOverrides(
  doc: Readonly<Record<string, unknown>>,
  overrides: EnvOverrides,
  env: Env,
): Record<string, unknown> {
  const result: Record<string, unknown> = structuredClone(doc);
  for (const [variable, fieldPath] of Object.entries(overrides)) {
    const value = env[variable];
    if (value === undefined || fieldPath.length === 0) continue;
    let target = result;
    for (const key of fieldPath.slice(0, -1)) {
      const next = target[key];
      target = target[key] = isMapping(next) ? { ...next } : {};
    }
    target[fieldPath[fieldPath.length - 1]] = value;
  }
  return result;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
