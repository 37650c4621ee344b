import { numeric, parseConfig, readYamlDocument, type Env, type EnvOverrides } from '@octopod/config';
import { CHUNK_HEADER_BYTES, DEFAULT_MAX_PAYLOAD_BYTES } from '@octopod/protocol';
import { z } from 'zod';

const APP = 'brain';

// Ports may come from env strings (BRAIN_API_PORT, ...), so they accept numeric strings.
const port = numeric(z.number().int().min(0).max(65535));
const seconds = z.number().positive();

/** brain.yaml, with Octopoda's field names where they apply (reference spec §5). */
export const brainConfigSchema = z.object({
  name: z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" and "-"')
    .default('brain'),
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
      maxPayloadBytes: z
        .number()
        .int()
        .positive()
        .default(4 * 1024 * 1024),
    })
    .prefault({}),
  octlFace: z
    .object({
      ip: z.string().default('127.0.0.1'),
      advertiseIp: z.string().optional(),
      port: port.default(12345),
    })
    .prefault({}),
  /**
   * Octopoda's Fast SSH: brain ports `[minMapPort, maxMapPort]` relay to nodes' sshd (`ssh set`), and `port` answers
   * Octopoda's `octl ssh ls` in proxylite's wire format (0 = any free port; registered in the name server either
   * way). All bind to `octlFace.ip`: an ssh client must reach the brain there.
   */
  proxylite: z
    .object({
      port: port.default(9998),
      /** Answer Octopoda's `octl ssh ls` (every mapped node and port, to anyone who reaches the port, as Octopoda). */
      listServices: z.boolean().default(true),
      minMapPort: port.default(10000),
      maxMapPort: port.default(10010),
    })
    .prefault({})
    .refine((p) => p.maxMapPort >= p.minMapPort, {
      message: 'maxMapPort must be >= minMapPort',
      path: ['maxMapPort'],
    }),
  /** The brain host's own pakma (Octopoda: 127.0.0.1:3451), asked for `octl pakma … brain`. */
  pakma: z.object({ port: port.default(3451) }).prefault({}),
  /** Where the key that encrypts stored secrets (ssh passwords) lives; default `<workspace.root>/.octopod/secrets.key`. */
  secrets: z.object({ keyFile: z.string().optional() }).prefault({}),
  database: z.object({ url: z.string().min(1, 'set database.url or DATABASE_URL') }),
  redis: z
    .object({
      url: z.string().default('redis://127.0.0.1:6379/0'),
      keyPrefix: z.string().default('octopod:'),
    })
    .prefault({}),
  ssl: z.object({
    caCert: z.string().min(1),
    serverCert: z.string().min(1),
    serverKey: z.string().min(1),
    /** The CA's private key: lets the brain sign node certificates for join tokens. Without it, no enrolment. */
    caKey: z.string().min(1).optional(),
  }),
  workgroup: z.object({
    rootPassword: z.string().min(6, 'the root workgroup password needs at least 6 characters'),
  }),
  logger: z
    .object({
      path: z.string().default(''),
      namePrefix: z.string().default('brain'),
      /** Daily files older than this many days are deleted. */
      rollDays: numeric(z.number().int().positive()).default(7),
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    })
    .prefault({}),
  workspace: z
    .object({
      root: z.string().default('/var/octopoda/brain/workspace'),
      /** The brain's file store (`@fstore`): where `/file/upload` lands and `/file/spread` reads from. */
      store: z.string().default('/var/octopoda/brain/FSTORE'),
    })
    .prefault({}),
  files: z
    .object({
      /** Content-addressed blobs (uploads, pulled files); default `<workspace.root>/.octopod/blobs`. */
      blobDir: z.string().optional(),
      /** `brain` file routes may name absolute paths (the CA key is one): off unless you mean it. */
      allowAbsolutePaths: z.boolean().default(false),
      /** Largest upload accepted, bytes (a blob, or an Octopoda zip). */
      maxUploadBytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024 ** 3),
      /** A blob no task has used for this long is collected. */
      blobRetentionHours: z.number().positive().default(24),
      /** Bytes in flight per node and transfer, unconfirmed, at most. */
      windowBytes: z
        .number()
        .int()
        .positive()
        .default(8 * 1024 * 1024),
      /** A transfer whose node confirms (or, pulling, sends) nothing for this long fails: a hung disk. */
      idleTimeoutSeconds: z.number().positive().default(120),
      /** Payload of one chunk frame; with its header it must fit the tentacles' frame limit (4 MiB). */
      chunkBytes: z
        .number()
        .int()
        .positive()
        .max(DEFAULT_MAX_PAYLOAD_BYTES - CHUNK_HEADER_BYTES)
        .default(1024 * 1024),
    })
    .prefault({}),
});

export type BrainConfig = z.infer<typeof brainConfigSchema>;

/** Environment overrides: the only place the brain reads process.env. */
const ENV_OVERRIDES: EnvOverrides = {
  BRAIN_NAME: ['name'],
  DATABASE_URL: ['database', 'url'],
  REDIS_URL: ['redis', 'url'],
  BRAIN_REDIS_KEY_PREFIX: ['redis', 'keyPrefix'],
  BRAIN_ROOT_PASSWORD: ['workgroup', 'rootPassword'],
  BRAIN_API_IP: ['octlFace', 'ip'],
  BRAIN_API_PORT: ['octlFace', 'port'],
  BRAIN_GATEWAY_IP: ['tentacleFace', 'ip'],
  BRAIN_GATEWAY_PORT: ['tentacleFace', 'port'],
  BRAIN_NAMESERVER_HOST: ['httpsNameServer', 'host'],
  BRAIN_NAMESERVER_PORT: ['httpsNameServer', 'port'],
  BRAIN_LOG_LEVEL: ['logger', 'level'],
  BRAIN_LOG_PATH: ['logger', 'path'],
  BRAIN_LOG_NAME_PREFIX: ['logger', 'namePrefix'],
  BRAIN_LOG_ROLL_DAYS: ['logger', 'rollDays'],
  BRAIN_CA_KEY: ['ssl', 'caKey'],
  BRAIN_WORKSPACE_ROOT: ['workspace', 'root'],
  BRAIN_WORKSPACE_STORE: ['workspace', 'store'],
  BRAIN_BLOB_DIR: ['files', 'blobDir'],
  BRAIN_FILES_ALLOW_ABSOLUTE: ['files', 'allowAbsolutePaths'],
  BRAIN_PROXYLITE_PORT: ['proxylite', 'port'],
  BRAIN_SSH_MIN_PORT: ['proxylite', 'minMapPort'],
  BRAIN_SSH_MAX_PORT: ['proxylite', 'maxMapPort'],
  BRAIN_SECRETS_KEY_FILE: ['secrets', 'keyFile'],
  BRAIN_PAKMA_PORT: ['pakma', 'port'],
};

/** The brain treats an empty variable as unset (e.g. `DATABASE_URL=` does not blank the file's URL). */
function setVariables(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function parseBrainConfig(raw: unknown, env: Env = {}): BrainConfig {
  // The brain's issue lines keep zod's own wording and do not name env vars, as before the shared loader.
  return parseConfig(brainConfigSchema, raw, {
    app: APP,
    overrides: ENV_OVERRIDES,
    env: setVariables(env),
    citeEnv: false,
    missingAsRequired: false,
  });
}

export function loadBrainConfig(file: string | undefined, env: Env): BrainConfig {
  return parseBrainConfig(file ? readYamlDocument(file, APP) : {}, env);
}

/** "ip:port" as other components dial it. */
export function advertisedAddress(face: { ip: string; advertiseIp?: string }, boundPort: number): string {
  const ip = face.advertiseIp ?? (face.ip === '0.0.0.0' || face.ip === '::' ? '127.0.0.1' : face.ip);
  return `${ip}:${boundPort}`;
}
