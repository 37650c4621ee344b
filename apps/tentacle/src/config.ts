import { nodeNameSchema } from '@octopod/protocol';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A bad or unreadable configuration; `issues` holds one readable line per bad field. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly issues: string[]) {
    super(`invalid tentacle configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Where a config file is looked for when neither `-c` nor `TENTACLE_CONFIG` names one. */
export const DEFAULT_CONFIG_PATHS = ['tentacle.yaml', '/etc/octopoda/tentacle/tentacle.yaml'];

// Env values arrive as strings; numbers and booleans are coerced only when they look like one.
const port = z.preprocess(numeric, z.number().int().min(1).max(65535));
const seconds = z.preprocess(numeric, z.number().positive());
const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const lowered = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lowered)) return true;
  if (['false', '0', 'no', 'off', ''].includes(lowered)) return false;
  return value;
}, z.boolean());
const path = z.string().min(1, 'must not be empty');

function numeric(value: unknown): unknown {
  return typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
}

const nameServerSchema = z
  .object({
    enable: flag.default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(3455),
    /** Plain-HTTP query port; Octopoda uses the HTTPS port + 1. */
    httpPort: port.optional(),
  })
  .transform((ns) => ({ ...ns, httpPort: ns.httpPort ?? ns.port + 1 }));

export const configSchema = z
  .object({
    name: nodeNameSchema.optional(),
    httpsNameServer: nameServerSchema.prefault({}),
    brain: z
      .object({
        name: z.string().min(1).default('brain'),
        ip: z.string().min(1).default('127.0.0.1'),
        port: port.default(3457),
      })
      .prefault({}),
    heartbeat: z
      .object({
        /** Backoff base, seconds (fractions allowed, e.g. in tests). */
        reconnectInterval: seconds.default(1),
        /** Backoff cap, seconds. */
        reconnectMax: seconds.default(30),
      })
      .prefault({})
      .refine((hb) => hb.reconnectMax >= hb.reconnectInterval, {
        message: 'reconnectMax must be >= reconnectInterval',
        path: ['reconnectMax'],
      }),
    logger: z
      .object({
        /** Directory of the log file; empty = stdout only. */
        path: z.string().default('/var/octopoda/tentacle/log'),
        namePrefix: z.string().min(1).default('tentacle'),
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    workspace: z
      .object({
        root: path.default('/var/octopoda/tentacle/workspace'),
        store: path.default('/var/octopoda/tentacle/FSTORE'),
      })
      .prefault({}),
    ssl: z.object({ caCert: path, clientCert: path, clientKey: path }, { error: 'is required' }),
    env: z
      .array(z.object({ key: z.string().min(1), value: z.preprocess((v) => (v == null ? '' : String(v)), z.string()) }))
      .nullish()
      .transform((list) => list ?? []),
  })
  .transform((config) => ({ ...config, name: config.name ?? defaultNodeName() }));

export type TentacleConfig = z.output<typeof configSchema>;

/** Env vars that override a config field (after the file is read). */
const ENV_OVERRIDES: Record<string, string[]> = {
  TENTACLE_NAME: ['name'],
  TENTACLE_NS_ENABLE: ['httpsNameServer', 'enable'],
  TENTACLE_NS_HOST: ['httpsNameServer', 'host'],
  TENTACLE_NS_PORT: ['httpsNameServer', 'port'],
  TENTACLE_NS_HTTP_PORT: ['httpsNameServer', 'httpPort'],
  TENTACLE_BRAIN_NAME: ['brain', 'name'],
  TENTACLE_BRAIN_IP: ['brain', 'ip'],
  TENTACLE_BRAIN_PORT: ['brain', 'port'],
  TENTACLE_RECONNECT_INTERVAL: ['heartbeat', 'reconnectInterval'],
  TENTACLE_RECONNECT_MAX: ['heartbeat', 'reconnectMax'],
  TENTACLE_LOG_PATH: ['logger', 'path'],
  TENTACLE_LOG_LEVEL: ['logger', 'level'],
  TENTACLE_WORKSPACE_ROOT: ['workspace', 'root'],
  TENTACLE_WORKSPACE_STORE: ['workspace', 'store'],
  TENTACLE_CA_CERT: ['ssl', 'caCert'],
  TENTACLE_CLIENT_CERT: ['ssl', 'clientCert'],
  TENTACLE_CLIENT_KEY: ['ssl', 'clientKey'],
};

export const ENV_VARS = ['TENTACLE_CONFIG', ...Object.keys(ENV_OVERRIDES)];

function defaultNodeName(): string {
  const host = hostname();
  return nodeNameSchema.safeParse(host).success ? host : `node-${host.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

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

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : '(root)';
    const received = issue.code === 'invalid_type' && issue.message.includes('received undefined') ? 'is required' : issue.message;
    return `${field}: ${received}`;
  });
}

/** Validates a parsed YAML document (plus env overrides) into a config. Pure: no file or process access. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): TentacleConfig {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(['(root): the config file must be a YAML mapping']);
  }
  const parsed = configSchema.safeParse(applyEnv((raw ?? {}) as Record<string, unknown>, env));
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));
  const config = parsed.data;
  // Relative paths are taken from the working directory, as Octopoda does.
  return {
    ...config,
    ssl: {
      caCert: resolve(config.ssl.caCert),
      clientCert: resolve(config.ssl.clientCert),
      clientKey: resolve(config.ssl.clientKey),
    },
    logger: { ...config.logger, path: config.logger.path ? resolve(config.logger.path) : '' },
    workspace: { root: resolve(config.workspace.root), store: resolve(config.workspace.store) },
  };
}

/** Picks the config file: explicit path, then `TENTACLE_CONFIG`, then the default locations (none is fine). */
export function findConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (explicit) return explicit;
  if (env.TENTACLE_CONFIG) return env.TENTACLE_CONFIG;
  return DEFAULT_CONFIG_PATHS.find((candidate) => existsSync(candidate));
}

/** Reads and validates the config file (if any) with env overrides. Throws ConfigError. */
export function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv): TentacleConfig {
  const file = findConfigPath(explicitPath, env);
  let raw: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([`config file ${file}: ${(error as Error).message}`]);
    }
    try {
      raw = parseYaml(text);
    } catch (error) {
      throw new ConfigError([`config file ${file}: bad YAML: ${(error as Error).message.split('\n')[0]}`]);
    }
  }
  return parseConfig(raw, env);
}
