import {
  booleanish,
  numeric,
  parseConfig as parseDocument,
  readYamlDocument,
  type EnvOverrides,
} from '@octopod/config';
import { nodeNameSchema } from '@octopod/protocol';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { validSshAddress } from './ssh/ssh-address';

const APP = 'tentacle';

/** Where a config file is looked for when neither `-c` nor `TENTACLE_CONFIG` names one. */
export const DEFAULT_CONFIG_PATHS = ['tentacle.yaml', '/etc/octopoda/tentacle/tentacle.yaml'];

// Env values arrive as strings; numbers and booleans are coerced only when they look like one.
const port = numeric(z.number().int().min(1).max(65535));
const seconds = numeric(z.number().positive());
const flag = booleanish(z.boolean());
const path = z.string().min(1, 'must not be empty');

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
        /** Directory of the daily log files `<namePrefix>_YYYY_MM_DD.log`; empty = stdout only. */
        path: z.string().default('/var/octopoda/tentacle/log'),
        namePrefix: z.string().min(1).default('tentacle'),
        /** Days of log files kept, today's included; 0 keeps them all. */
        rollDays: numeric(z.number().int().nonnegative()).default(7),
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
    workspace: z
      .object({
        root: path.default('/var/octopoda/tentacle/workspace'),
        store: path.default('/var/octopoda/tentacle/FSTORE'),
      })
      .prefault({}),
    /** Journal of accepted invocation ids and results awaiting acknowledgement; default `<workspace.root>/.octopod`. */
    state: z.object({ dir: path.optional() }).prefault({}),
    /** This host's pakma (the upgrade supervisor): its HTTP port on 127.0.0.1, and `root` for `OCTOPODA_PAKMA`/`@pakma`. */
    pakma: z
      .object({ root: path.default('/var/octopoda/tentacle/pakma'), port: port.default(3450) })
      .prefault({}),
    ssh: z
      .object({
        /** Where this node's sshd listens ("host:port", ":port" = loopback); empty: no ssh tunnels. */
        address: z
          .string()
          .default('127.0.0.1:22')
          .refine((address) => validSshAddress(address), 'use host:port, [v6]:port or :port (empty: none)'),
        /** Tunnels open at once, at most (Octopoda: 20). */
        maxTunnels: numeric(z.number().int().positive()).default(20),
      })
      .prefault({}),
    files: z
      .object({
        /** Absolute paths in file pushes, pulls and listings; path variables and `~` work either way. */
        allowAbsolutePaths: flag.default(true),
      })
      .prefault({}),
    ssl: z.object({ caCert: path, clientCert: path, clientKey: path }, { error: 'is required' }),
    env: z
      .array(
        z.object({
          key: z.string().min(1),
          value: z.preprocess((v) => (v == null ? '' : String(v)), z.string()),
        }),
      )
      .nullish()
      .transform((list) => list ?? []),
  })
  .transform((config) => ({ ...config, name: config.name ?? defaultNodeName() }));

/** The validated config; paths are absolute and the state directory is filled in. */
export type TentacleConfig = Omit<z.output<typeof configSchema>, 'state'> & { state: { dir: string } };

/** Env vars that override a config field (after the file is read). */
const ENV_OVERRIDES: EnvOverrides = {
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
  TENTACLE_LOG_NAME_PREFIX: ['logger', 'namePrefix'],
  TENTACLE_LOG_ROLL_DAYS: ['logger', 'rollDays'],
  TENTACLE_WORKSPACE_ROOT: ['workspace', 'root'],
  TENTACLE_WORKSPACE_STORE: ['workspace', 'store'],
  TENTACLE_STATE_DIR: ['state', 'dir'],
  TENTACLE_FILES_ALLOW_ABSOLUTE: ['files', 'allowAbsolutePaths'],
  TENTACLE_SSH_ADDRESS: ['ssh', 'address'],
  TENTACLE_PAKMA_PORT: ['pakma', 'port'],
  TENTACLE_SSH_MAX_TUNNELS: ['ssh', 'maxTunnels'],
  TENTACLE_CA_CERT: ['ssl', 'caCert'],
  TENTACLE_CLIENT_CERT: ['ssl', 'clientCert'],
  TENTACLE_CLIENT_KEY: ['ssl', 'clientKey'],
};

export const ENV_VARS = ['TENTACLE_CONFIG', ...Object.keys(ENV_OVERRIDES)];

function defaultNodeName(): string {
  const host = hostname();
  return nodeNameSchema.safeParse(host).success ? host : `node-${host.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

/** Validates a parsed YAML document (plus env overrides) into a config. Pure: no file or process access. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): TentacleConfig {
  // The tentacle's issue lines have never named the env var behind a value; kept so.
  const config = parseDocument(configSchema, raw, {
    app: APP,
    overrides: ENV_OVERRIDES,
    env,
    citeEnv: false,
  });
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
    state: { dir: resolve(config.state.dir ?? join(config.workspace.root, '.octopod')) },
    pakma: { ...config.pakma, root: resolve(config.pakma.root) },
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
  return parseConfig(file ? readYamlDocument(file, APP) : {}, env);
}
