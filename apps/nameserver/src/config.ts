import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A bad or unreadable configuration; `issues` holds one readable line per bad field. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';

  constructor(readonly issues: string[]) {
    super(`invalid nameserver configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// Env values arrive as strings; numbers are coerced only when they look like one.
function numeric(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
    ? Number(value)
    : value;
}

/** Port 0 lets the OS choose (used by tests running the server in-process). */
const PORT_MESSAGE = 'must be a port number (0-65535)';
const port = z.preprocess(
  numeric,
  z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE),
);
const filePath = z.string({ error: 'is required' }).min(1, 'must not be empty');
const text = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

const redisSchema = z
  .object({
    /** `redis://` URL; wins over ip/port/password/db (REDIS_URL sets it). */
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    ip: z.string().min(1).default('127.0.0.1'),
    port: port.default(6379),
    password: text,
    db: z.preprocess(numeric, z.number().int().min(0)).default(2),
    /** Prepended to `NameEntry:`; isolates deployments sharing a Redis database (and tests). */
    keyPrefix: text,
  })
  .prefault({});

const staticDirSchema = z.object({
  url: z.string({ error: 'is required' }).startsWith('/', 'must start with /'),
  dir: filePath,
});

export const configSchema = z
  .object({
    servePort: port.default(3455),
    /** Plain-HTTP lookup port; Octopoda always uses servePort + 1. */
    httpPort: port.optional(),
    ip: z.string().min(1).optional(),
    /** Octopoda's way to pick the bind address: first IPv4 of this interface (when `ip` is unset). */
    netDevice: text,
    redis: redisSchema,
    ssl: z.object({ caCert: filePath, serverCert: filePath, serverKey: filePath }, { error: 'is required' }),
    staticDir: z
      .array(staticDirSchema)
      .nullish()
      .transform((list) => list ?? []),
    logger: z
      .object({
        /** Directory of the log file; empty = stdout only. */
        path: text,
        namePrefix: z.string().min(1).default('nameserver'),
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .transform((config) => ({
    ...config,
    httpPort: config.httpPort ?? (config.servePort === 0 ? 0 : config.servePort + 1),
  }))
  .refine((config) => config.servePort === 0 || config.httpPort !== config.servePort, {
    message: 'must differ from servePort',
    path: ['httpPort'],
  });

export type NameServerConfig = z.output<typeof configSchema>;
/** What `startNameServer` accepts: the parsed config, or a literal with defaults left out. */
export type NameServerConfigInput = z.input<typeof configSchema>;

/** Env vars that override a config field (after the file is read). */
const ENV_OVERRIDES: Record<string, string[]> = {
  NAMESERVER_SERVE_PORT: ['servePort'],
  NAMESERVER_HTTP_PORT: ['httpPort'],
  NAMESERVER_IP: ['ip'],
  REDIS_URL: ['redis', 'url'],
  NAMESERVER_REDIS_DB: ['redis', 'db'],
  NAMESERVER_KEY_PREFIX: ['redis', 'keyPrefix'],
  NAMESERVER_CA_CERT: ['ssl', 'caCert'],
  NAMESERVER_SERVER_CERT: ['ssl', 'serverCert'],
  NAMESERVER_SERVER_KEY: ['ssl', 'serverKey'],
  NAMESERVER_LOG_PATH: ['logger', 'path'],
  NAMESERVER_LOG_LEVEL: ['logger', 'level'],
};

/** Names the config file when `-c` is not given. */
export const CONFIG_ENV_VAR = 'NAMESERVER_CONFIG';
export const ENV_VARS = [CONFIG_ENV_VAR, ...Object.keys(ENV_OVERRIDES)];

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result: Record<string, unknown> = structuredClone(raw);
  for (const [variable, fieldPath] of Object.entries(ENV_OVERRIDES)) {
    const value = env[variable];
    if (value === undefined) continue;
    let target = result;
    for (const key of fieldPath.slice(0, -1)) {
      const next = target[key];
      target = target[key] = next && typeof next === 'object' && !Array.isArray(next) ? { ...next } : {};
    }
    target[fieldPath[fieldPath.length - 1]] = value;
  }
  return result;
}

function formatIssues(error: z.ZodError, env: NodeJS.ProcessEnv): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    // zod 4 does not keep the input on issues, so a missing value is recognised by its message.
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    const message = missing ? 'is required' : issue.message;
    const variable = Object.entries(ENV_OVERRIDES).find(
      ([name, fieldPath]) => env[name] !== undefined && fieldPath.join('.') === field,
    )?.[0];
    return `${field}: ${message}${variable ? ` (from ${variable})` : ''}`;
  });
}

/** Validates a parsed YAML document (plus env overrides) into a config. Pure: no file or process access. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): NameServerConfig {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(['(root): the config file must be a YAML mapping']);
  }
  const parsed = configSchema.safeParse(applyEnv((raw ?? {}) as Record<string, unknown>, env));
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error, env));
  return parsed.data;
}

/** Reads the YAML file (`-c`, else `NAMESERVER_CONFIG`, else none) and validates it with the env overrides. */
export function loadConfig(configPath: string | undefined, env: NodeJS.ProcessEnv): NameServerConfig {
  const file = configPath ?? env[CONFIG_ENV_VAR];
  if (!file) return parseConfig({}, env);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    ]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(source);
  } catch (error) {
    throw new ConfigError([`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`]);
  }
  return parseConfig(raw, env);
}
