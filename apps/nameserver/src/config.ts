import { numeric, parseConfig as parseDocument, readYamlDocument, type EnvOverrides } from '@octopod/config';
import { z } from 'zod';

const APP = 'nameserver';

/** Port 0 lets the OS choose (used by tests running the server in-process). */
const PORT_MESSAGE = 'must be a port number (0-65535)';
const port = numeric(
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
    db: numeric(z.number().int().min(0)).default(2),
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
const ENV_OVERRIDES: EnvOverrides = {
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

/** Validates a parsed YAML document (plus env overrides) into a config. Pure: no file or process access. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): NameServerConfig {
  return parseDocument(configSchema, raw, { app: APP, overrides: ENV_OVERRIDES, env });
}

/** Reads the YAML file (`-c`, else `NAMESERVER_CONFIG`, else none) and validates it with the env overrides. */
export function loadConfig(configPath: string | undefined, env: NodeJS.ProcessEnv): NameServerConfig {
  const file = configPath ?? env[CONFIG_ENV_VAR];
  return parseConfig(file ? readYamlDocument(file, APP) : {}, env);
}
