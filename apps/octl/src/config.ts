import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { OctlError } from './errors';

const port = z.number().int().min(1).max(65535);
const nonEmpty = z.string().min(1);

function isPlainHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return ['http:', 'https:'].includes(url.protocol) && !url.username && !url.password && !url.search;
  } catch {
    return false;
  }
}

/** octl.yaml, with Octopoda's field names (reference spec §4.3); fields octl does not use are accepted and ignored. */
export const octlConfigSchema = z.object({
  // Go leaves a missing bool false, so a config without `enable: true` dials brain.ip:brain.port directly.
  httpsNameServer: z
    .object({
      enable: z.boolean().default(false),
      host: nonEmpty.default('127.0.0.1'),
      port: port.default(3455),
      /** The name server's plain-HTTP port for lookups; Octopoda: port + 1. */
      httpPort: port.optional(),
    })
    .prefault({}),
  brain: z
    .object({
      name: nonEmpty.default('brain'),
      ip: nonEmpty.default('127.0.0.1'),
      port: port.default(12345),
    })
    .prefault({}),
  ssl: z.object({
    caCert: nonEmpty,
    clientCert: nonEmpty.optional(),
    clientKey: nonEmpty.optional(),
  }),
  workgroup: z
    .object({
      root: z.string().default(''),
      password: z.string().default(''),
      currentPathFile: nonEmpty.optional(),
    })
    .prefault({}),
  /** Without a client certificate octl authenticates with the API token `octl login` keeps in `tokenFile`. */
  auth: z
    .object({
      /** Default: ~/.config/octopod/tokens/<brain.name>.json. */
      tokenFile: nonEmpty.optional(),
    })
    .prefault({}),
  /** The git HTTP service (gogs in Octopoda) `scen repo` clones from and pushes to; checked when used. */
  git: z
    .object({
      serveUrl: z
        .string()
        .refine((url) => url === '' || isPlainHttpUrl(url), {
          // The value is not echoed: it might hold a password.
          message: 'must be an http:// or https:// URL without credentials or query (see git.username)',
        })
        .transform((url) => url.replace(/\/+$/, ''))
        .default(''),
      username: z.string().default(''),
      password: z.string().default(''),
    })
    .prefault({}),
});

type ParsedConfig = z.infer<typeof octlConfigSchema>;

export type OctlConfig = ParsedConfig & {
  /** The file it was read from, named in messages about its content. */
  file: string;
};

/** Where `scen repo` clones from and pushes to, with octl.yaml's credentials. */
export interface GitServer {
  /** Without a trailing slash. */
  serveUrl: string;
  /** Empty: no credentials are sent. */
  username: string;
  password: string;
  /** octl.yaml, for messages. */
  file: string;
}

/** octl.yaml's `git` section, which only `scen repo` needs: missing, it fails only there. */
export function gitServerOf(config: OctlConfig): GitServer {
  if (!config.git.serveUrl) throw new OctlError(`git.serveUrl is not set in ${config.file}`);
  return { ...config.git, file: config.file };
}

export interface ConfigSearch {
  /** `--config` / `-c`. */
  flag?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
  exists(path: string): boolean;
}

/** Where octl looks, in order, after `--config` and `$OCTL_CONFIG`. */
export function defaultConfigLocations(cwd: string, home: string): string[] {
  return [join(cwd, 'octl.yaml'), join(home, '.config/octopod/octl.yaml'), '/etc/octopoda/octl/octl.yaml'];
}

/** An explicit choice (flag, then `$OCTL_CONFIG`) must exist; otherwise the first default location that does. */
export function findConfigFile(search: ConfigSearch): string {
  const explicit: [string | undefined, string][] = [
    [search.flag, '--config'],
    [search.env.OCTL_CONFIG, '$OCTL_CONFIG'],
  ];
  for (const [value, source] of explicit) {
    if (!value) continue;
    const path = resolve(search.cwd, value);
    if (!search.exists(path)) throw new OctlError(`config file ${path} (from ${source}) does not exist`);
    return path;
  }
  const candidates = defaultConfigLocations(search.cwd, search.home);
  const found = candidates.find((path) => search.exists(path));
  if (!found) {
    throw new OctlError(
      `no octl.yaml found: pass --config <file>, set $OCTL_CONFIG, or create one of ${candidates.join(', ')}`,
    );
  }
  return found;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.join('.') || '(top level)';
  const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
  return `${field}: ${missing ? 'is required' : issue.message.replace(/^Invalid input: /, '')}`;
}

/** Paths in octl.yaml are relative to the file itself, so a config works from any working directory. */
function resolvePaths(config: ParsedConfig, baseDir: string): ParsedConfig {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const atOptional = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : at(path);
  return {
    ...config,
    ssl: {
      caCert: at(config.ssl.caCert),
      clientCert: atOptional(config.ssl.clientCert),
      clientKey: atOptional(config.ssl.clientKey),
    },
    workgroup: { ...config.workgroup, currentPathFile: atOptional(config.workgroup.currentPathFile) },
    auth: { tokenFile: atOptional(config.auth.tokenFile) },
  };
}

/** Parses and validates octl.yaml text; every bad field is named in one message. */
export function parseConfig(text: string, path: string): OctlConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new OctlError(`cannot parse ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = octlConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new OctlError(`bad config ${path}: ${result.error.issues.map(describeIssue).join('; ')}`);
  }
  return { ...resolvePaths(result.data, dirname(path)), file: path };
}
