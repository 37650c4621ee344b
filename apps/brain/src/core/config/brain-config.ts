import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const seconds = z.number().positive();

/** brain.yaml, with Octopoda's field names where they apply (reference spec §5). */
export const brainConfigSchema = z.object({
  name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-"').default('brain'),
  httpsNameServer: z
    .object({
      enable: z.boolean().default(false),
      host: z.string().default('127.0.0.1'),
      port: port.default(3455),
      requestInterval: seconds.default(1),
    })
    .prefault({}),
  tentacleFace: z
    .object({
      ip: z.string().default('127.0.0.1'),
      /** Address advertised in the name server when it differs from the bind address (e.g. behind a proxy). */
      advertiseIp: z.string().optional(),
      port: port.default(3457),
      heartbeatInterval: seconds.default(1),
      /** No heartbeat for this long: the node is `unstable`. */
      activeTimeout: seconds.default(3),
      /** Unhealthy for this long: the node is `offline` (seconds, as configured — not Octopoda's ms bug). */
      recordTimeout: seconds.default(10),
      maxPayloadBytes: z.number().int().positive().default(4 * 1024 * 1024),
    })
    .prefault({}),
  octlFace: z
    .object({
      ip: z.string().default('127.0.0.1'),
      advertiseIp: z.string().optional(),
      port: port.default(12345),
    })
    .prefault({}),
  database: z.object({ url: z.string().min(1, 'set database.url or DATABASE_URL') }),
  redis: z.object({ url: z.string().default('redis://127.0.0.1:6379/0'), keyPrefix: z.string().default('octopod:') }).prefault({}),
  ssl: z.object({
    caCert: z.string().min(1),
    serverCert: z.string().min(1),
    serverKey: z.string().min(1),
  }),
  workgroup: z.object({
    rootPassword: z.string().min(6, 'the root workgroup password needs at least 6 characters'),
  }),
  logger: z
    .object({
      path: z.string().default(''),
      namePrefix: z.string().default('brain'),
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    })
    .prefault({}),
  workspace: z.object({ root: z.string().default('/var/octopoda/brain/workspace') }).prefault({}),
});

export type BrainConfig = z.infer<typeof brainConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid brain configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Environment overrides: the only place the brain reads process.env. */
const ENV_OVERRIDES: Array<[string, string[], (v: string) => unknown]> = [
  ['BRAIN_NAME', ['name'], String],
  ['DATABASE_URL', ['database', 'url'], String],
  ['REDIS_URL', ['redis', 'url'], String],
  ['BRAIN_REDIS_KEY_PREFIX', ['redis', 'keyPrefix'], String],
  ['BRAIN_ROOT_PASSWORD', ['workgroup', 'rootPassword'], String],
  ['BRAIN_API_IP', ['octlFace', 'ip'], String],
  ['BRAIN_API_PORT', ['octlFace', 'port'], Number],
  ['BRAIN_GATEWAY_IP', ['tentacleFace', 'ip'], String],
  ['BRAIN_GATEWAY_PORT', ['tentacleFace', 'port'], Number],
  ['BRAIN_NAMESERVER_HOST', ['httpsNameServer', 'host'], String],
  ['BRAIN_NAMESERVER_PORT', ['httpsNameServer', 'port'], Number],
  ['BRAIN_LOG_LEVEL', ['logger', 'level'], String],
  ['BRAIN_LOG_PATH', ['logger', 'path'], String],
];

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export function parseBrainConfig(raw: unknown, env: Env = {}): BrainConfig {
  const merged: Record<string, unknown> = typeof raw === 'object' && raw !== null ? structuredClone(raw as object) as Record<string, unknown> : {};
  for (const [variable, path, convert] of ENV_OVERRIDES) {
    const value = env[variable];
    if (value !== undefined && value !== '') setPath(merged, path, convert(value));
  }
  const result = brainConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  return result.data;
}

export function loadBrainConfig(file: string | undefined, env: Env): BrainConfig {
  let raw: unknown = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`]);
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      throw new ConfigError([`${file} is not valid YAML: ${(error as Error).message}`]);
    }
  }
  return parseBrainConfig(raw, env);
}

/** "ip:port" as other components dial it. */
export function advertisedAddress(face: { ip: string; advertiseIp?: string }, boundPort: number): string {
  const ip = face.advertiseIp ?? (face.ip === '0.0.0.0' || face.ip === '::' ? '127.0.0.1' : face.ip);
  return `${ip}:${boundPort}`;
}
