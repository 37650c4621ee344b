import { numeric, parseConfig as parseDocument, readYamlDocument, type EnvOverrides } from '@octopod/config';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const APP = 'pakma';

/** Where the config file is looked for when neither `-c` nor `PAKMA_CONFIG` names one. */
export const DEFAULT_CONFIG_PATHS = ['pakma.yaml', '/etc/octopod/pakma.yaml'];
/** The tentacle's link status file with its default `state.dir` (`<workspace.root>/.octopod`). */
export const TENTACLE_STATUS_FILE = '/var/octopoda/tentacle/workspace/.octopod/link-status.json';

// Env values arrive as strings; numbers are coerced only when they look like one.
const PORT_MESSAGE = 'must be a port number (0-65535)';
const port = numeric(
  z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(0, PORT_MESSAGE).max(65535, PORT_MESSAGE),
);
/** Seconds; fractions are allowed (tests use them). */
const seconds = numeric(z.number().positive());
const path = z.string({ error: 'is required' }).min(1, 'must not be empty');
const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes');

export const configSchema = z
  .object({
    /** The managed program; names its releases (`octopod-<app>_v…`). */
    app: name.default('tentacle'),
    /** Loopback only by default: the API has no authentication (as Octopoda's). */
    ip: z.string().min(1).default('127.0.0.1'),
    port: port.default(3450),
    /** State dir: pakma.json, pakma_history.json, cache/ (default /var/octopoda/<app>/pakma). */
    root: path.optional(),
    /** Unpacked releases side by side, `<installRoot>/<version>/`, and the `current` link (default /opt/octopod/<app>). */
    installRoot: path.optional(),
    previewDuration: seconds.default(600),
    healthySeconds: seconds.default(30),
    /** Seconds between answering a request and restarting the service, so the caller's reply gets out first. */
    restartDelay: numeric(z.number().nonnegative()).default(1),
    downloadTimeout: seconds.default(120),
    /** The release signing public key (release.pub); pakma installs nothing without it. */
    releaseKey: path,
    nameServer: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(3455),
        /** Name checked against the name server's certificate. */
        serverName: z.string().min(1).default('octopoda'),
      })
      .prefault({}),
    tls: z.object({ ca: path, cert: path, key: path }, { error: 'is required' }),
    /** Run (no shell) to restart the managed service (default `systemctl restart octopod-<app>`). */
    restart: z.array(z.string().min(1)).min(1, 'must name a command').optional(),
    /** The managed program's link status file; without one, a preview is confirmed only by hand. */
    statusFile: path.optional(),
    os: name.default(process.platform),
    arch: name.default(process.arch),
    logger: z
      .object({
        /** Directory of `<namePrefix>.log`; empty = stdout only. */
        path: z.string().default(''),
        namePrefix: z.string().min(1).default('pakma'),
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .prefault({}),
  })
  .transform((config) => ({
    ...config,
    root: resolve(config.root ?? `/var/octopoda/${config.app}/pakma`),
    installRoot: resolve(config.installRoot ?? `/opt/octopod/${config.app}`),
    releaseKey: resolve(config.releaseKey),
    tls: { ca: resolve(config.tls.ca), cert: resolve(config.tls.cert), key: resolve(config.tls.key) },
    restart: config.restart ?? ['systemctl', 'restart', `octopod-${config.app}`],
    statusFile: config.statusFile
      ? resolve(config.statusFile)
      : config.app === 'tentacle'
        ? TENTACLE_STATUS_FILE
        : undefined,
    logger: { ...config.logger, path: config.logger.path ? resolve(config.logger.path) : '' },
  }));

export type PakmaConfig = z.output<typeof configSchema>;
export type PakmaConfigInput = z.input<typeof configSchema>;

/** Env vars that override a config field (after the file is read). */
const ENV_OVERRIDES: EnvOverrides = {
  PAKMA_APP: ['app'],
  PAKMA_IP: ['ip'],
  PAKMA_PORT: ['port'],
  PAKMA_ROOT: ['root'],
  PAKMA_INSTALL_ROOT: ['installRoot'],
  PAKMA_PREVIEW_DURATION: ['previewDuration'],
  PAKMA_HEALTHY_SECONDS: ['healthySeconds'],
  PAKMA_RELEASE_KEY: ['releaseKey'],
  PAKMA_NS_HOST: ['nameServer', 'host'],
  PAKMA_NS_PORT: ['nameServer', 'port'],
  PAKMA_CA_CERT: ['tls', 'ca'],
  PAKMA_CLIENT_CERT: ['tls', 'cert'],
  PAKMA_CLIENT_KEY: ['tls', 'key'],
  PAKMA_STATUS_FILE: ['statusFile'],
  PAKMA_LOG_PATH: ['logger', 'path'],
  PAKMA_LOG_LEVEL: ['logger', 'level'],
};

export const CONFIG_ENV_VAR = 'PAKMA_CONFIG';
export const ENV_VARS = [CONFIG_ENV_VAR, ...Object.keys(ENV_OVERRIDES)];

/** Validates a parsed YAML document (plus env overrides) into a config. Pure: no file or process access. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): PakmaConfig {
  return parseDocument(configSchema, raw, { app: APP, overrides: ENV_OVERRIDES, env });
}

/** Picks the config file: explicit path, then `PAKMA_CONFIG`, then the default locations (none is fine). */
export function findConfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return explicit ?? env[CONFIG_ENV_VAR] ?? DEFAULT_CONFIG_PATHS.find((candidate) => existsSync(candidate));
}

/** Reads and validates the config file (if any) with env overrides. Throws ConfigError. */
export function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv): PakmaConfig {
  const file = findConfigPath(explicitPath, env);
  return parseConfig(file ? readYamlDocument(file, APP) : {}, env);
}
