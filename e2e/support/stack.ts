import {
  freePortRange,
  freePorts,
  makeTempDir,
  makeTestPki,
  spawnProcess,
  waitFor,
  type SpawnedProcess,
  type TestPki,
} from '@octopod/testing';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { httpsJson, type ApiOptions, type ApiResponse } from './https';
import { createDatabase, deleteRedisKeys, dropDatabase, randomSuffix, redisBaseUrl } from './resources';

export { httpsJson, type ApiOptions, type ApiResponse } from './https';

/** The repository root: apps run from their built `dist/`. */
export const REPO_ROOT = resolve(__dirname, '../..');
export const mainOf = (app: string) => join(REPO_ROOT, 'apps', app, 'dist', 'main.js');

const READY_LINE = '"msg":"ready"';
/** Env vars of our apps that must not leak from the developer's shell into a test stack. */
const APP_ENV = /^(BRAIN_|NAMESERVER_|TENTACLE_|OCTL_|DATABASE_URL$|REDIS_URL$)/;

/** A node as `GET /api/v2/nodes/{name}` returns it. */
export interface NodeView {
  name: string;
  version: string;
  addr: string;
  state: 'online' | 'unstable' | 'offline';
  connected: boolean;
  delayMs: number | null;
  offsetMs: number | null;
  onlineAt: string | null;
  offlineAt: string | null;
  lastActiveAt: string | null;
  createdAt: string;
}

export interface OctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface OctlOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Another octl.yaml than the stack's. */
  config?: string;
  input?: string;
}

export interface TentacleOptions {
  /** Run inside this network namespace (`ip netns exec <ns> node ...`). */
  netns?: string;
  /** Name server address the tentacle dials (default: the stack's bind address). */
  nameServerHost?: string;
  env?: Record<string, string>;
  /** CN of the client certificate to present (default: the node's own name). */
  certName?: string;
}

export interface TentacleHandle {
  name: string;
  process: SpawnedProcess;
  configPath: string;
  workspace: string;
  /** Waits for the tentacle's "ready" log line (logged each time the brain welcomes it). */
  ready(timeoutMs?: number): Promise<string>;
  stop(): Promise<number | string>;
}

export interface StackOptions {
  /** Tentacles to start: a count (`node-1`..`node-n`) or names. Default none. */
  tentacles?: number | string[];
  /** Where the name server and the brain's tentacle gateway listen (and register). Default 127.0.0.1. */
  bindIp?: string;
  /** Extra brain config merged over the generated one (top-level sections are merged one level deep). */
  brainConfig?: Record<string, Record<string, unknown>>;
  /** Keep the temp dir (logs, configs) after `stop()`; also when OCTOPOD_E2E_KEEP=1. */
  keepDir?: boolean;
  /** A folder the name server serves at `/release/` (signed releases for pakma). */
  releaseDir?: string;
}

export interface Stack {
  dir: string;
  pki: TestPki;
  ports: {
    nsHttps: number;
    nsHttp: number;
    gateway: number;
    api: number;
    sshPorts: { min: number; max: number };
  };
  bindIp: string;
  rootPassword: string;
  databaseUrl: string;
  redisKeyPrefix: string;
  nameserver: SpawnedProcess;
  brain: SpawnedProcess;
  tentacles: Map<string, TentacleHandle>;
  /** `https://127.0.0.1:<api port>` */
  apiUrl: string;
  api<T = unknown>(path: string, options?: ApiOptions): Promise<ApiResponse<T>>;
  /**
   * Runs the built octl with a generated octl.yaml (admin certificate, root password), or with `config`;
   * `input` is written to its stdin.
   */
  octl(args: string[], options?: OctlOptions): Promise<OctlResult>;
  /**
   * Writes an octl.yaml for a user who has the CA and nothing else (no client certificate, no password): octl
   * authenticates with the token `octl login` keeps in `<dir>/<user>/token.json`. Returns its path.
   */
  userOctlConfig(user: string): string;
  startTentacle(name: string, options?: TentacleOptions): Promise<TentacleHandle>;
  /** Stops the brain (SIGTERM, or SIGKILL with `kill: true`) and starts it again on the same config and ports. */
  restartBrain(options?: { kill?: boolean }): Promise<void>;
  /** Polls the node through the API until `accept` says yes; returns the last view. */
  waitForNode(name: string, accept: (node: NodeView) => boolean, timeoutMs?: number): Promise<NodeView>;
  stop(): Promise<void>;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(process.env)) if (APP_ENV.test(key)) env[key] = undefined; // spawn drops undefined
  return { ...env, ...extra };
}

function writeYaml(path: string, content: unknown): string {
  writeFileSync(path, toYaml(content));
  return path;
}

/**
 * Starts a name server and a brain (and optionally tentacles) as real processes, each stack with its own temp dir,
 * ports, PKI, Postgres database and Redis key prefix. Call `stop()` in `afterAll`.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const bindIp = options.bindIp ?? '127.0.0.1';
  const temp = makeTempDir('octopod-e2e-');
  const dir = temp.path;
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const pki = makeTestPki(join(dir, 'pki'));
  const [nsHttps, nsHttp, gateway] = await freePorts(3, bindIp);
  const [api] = await freePorts(1, '127.0.0.1');
  const sshPorts = await freePortRange(3, '127.0.0.1');
  const ports = { nsHttps, nsHttp, gateway, api, sshPorts };
  const rootPassword = `e2e-${randomSuffix()}`;
  const redisKeyPrefix = `octopod-e2e-${randomSuffix()}:`;
  const redisUrl = redisBaseUrl();
  const admin = pki.admin();
  const database = await createDatabase();

  const started: SpawnedProcess[] = [];
  const tentacles = new Map<string, TentacleHandle>();
  const cleanup = async () => {
    await Promise.all([...tentacles.values()].map((t) => t.stop()));
    for (const proc of started.reverse()) await proc.stop();
    await dropDatabase(database.name).catch(() => undefined);
    await deleteRedisKeys(redisUrl, redisKeyPrefix).catch(() => undefined);
    if (!options.keepDir && process.env.OCTOPOD_E2E_KEEP !== '1') temp.remove();
  };

  try {
    const nsCert = pki.server('nameserver', [bindIp]);
    const nsConfig = writeYaml(join(dir, 'nameserver.yaml'), {
      servePort: nsHttps,
      httpPort: nsHttp,
      ip: bindIp,
      redis: { url: redisUrl, keyPrefix: redisKeyPrefix },
      ssl: { caCert: pki.caPath, serverCert: nsCert.certPath, serverKey: nsCert.keyPath },
      logger: { path: '', level: 'info' },
      ...(options.releaseDir ? { staticDir: [{ url: '/release', dir: options.releaseDir }] } : {}),
    });
    const nameserver = spawnProcess('node', [mainOf('nameserver'), '-c', nsConfig], {
      cwd: dir,
      env: cleanEnv({}),
      logFile: join(logs, 'nameserver.log'),
    });
    started.push(nameserver);
    await nameserver.waitForLine(READY_LINE);

    const brainCert = pki.server('brain', [bindIp]);
    const brainBase: Record<string, Record<string, unknown>> = {
      httpsNameServer: { enable: true, host: bindIp, port: nsHttps, requestInterval: 1 },
      tentacleFace: { ip: bindIp, port: gateway, heartbeatInterval: 1, activeTimeout: 3, recordTimeout: 10 },
      octlFace: { ip: '127.0.0.1', port: api },
      // Octopoda's ssh face on any free port (found through the name server), and three ssh ports of its own.
      proxylite: { port: 0, minMapPort: sshPorts.min, maxMapPort: sshPorts.max },
      database: { url: database.url },
      redis: { url: redisUrl, keyPrefix: redisKeyPrefix },
      // With the CA key the brain signs enrolments (join tokens).
      ssl: {
        caCert: pki.caPath,
        serverCert: brainCert.certPath,
        serverKey: brainCert.keyPath,
        caKey: pki.caKeyPath,
      },
      workgroup: { rootPassword },
      logger: { path: '', level: 'info' },
      workspace: { root: join(dir, 'brain-workspace'), store: join(dir, 'brain-store') },
    };
    for (const [section, values] of Object.entries(options.brainConfig ?? {})) {
      brainBase[section] = { ...brainBase[section], ...values };
    }
    const brainConfig = writeYaml(join(dir, 'brain.yaml'), { name: 'brain', ...brainBase });
    const spawnBrain = async () => {
      const proc = spawnProcess('node', [mainOf('brain'), '-c', brainConfig], {
        cwd: dir,
        env: cleanEnv({}),
        logFile: join(logs, 'brain.log'),
      });
      started.push(proc);
      await proc.waitForLine(READY_LINE, 60_000);
      return proc;
    };
    let brain = await spawnBrain();

    const apiUrl = `https://127.0.0.1:${api}`;
    const apiCall = <T>(path: string, opts: ApiOptions = {}) =>
      httpsJson<T>(apiUrl + path, opts, { ca: pki.caPath, cert: admin.certPath, key: admin.keyPath });

    const octlConfig = writeYaml(join(dir, 'octl.yaml'), {
      httpsNameServer: { enable: true, host: bindIp, port: nsHttps, httpPort: nsHttp },
      brain: { name: 'brain', ip: '127.0.0.1', port: api },
      ssl: { caCert: pki.caPath, clientCert: admin.certPath, clientKey: admin.keyPath },
      workgroup: { root: '', password: rootPassword, currentPathFile: join(dir, 'octl-current-path.yaml') },
    });

    const startTentacle = async (name: string, opts: TentacleOptions = {}): Promise<TentacleHandle> => {
      const cert = pki.client(opts.certName ?? name);
      const home = join(dir, 'tentacles', name);
      const configPath = writeYaml(join(dir, `${name}.yaml`), {
        name,
        httpsNameServer: {
          enable: true,
          host: opts.nameServerHost ?? bindIp,
          port: nsHttps,
          httpPort: nsHttp,
        },
        heartbeat: { reconnectInterval: 0.2, reconnectMax: 2 },
        logger: { path: '', level: 'info' },
        workspace: { root: join(home, 'workspace'), store: join(home, 'fstore') },
        ssl: { caCert: pki.caPath, clientCert: cert.certPath, clientKey: cert.keyPath },
      });
      const args = [mainOf('tentacle'), '-c', configPath];
      const [command, argv] = opts.netns
        ? ['ip', ['netns', 'exec', opts.netns, 'node', ...args]]
        : ['node', args];
      const proc = spawnProcess(command, argv as string[], {
        cwd: dir,
        env: cleanEnv(opts.env ?? {}),
        logFile: join(logs, `${name}.log`),
      });
      const handle: TentacleHandle = {
        name,
        process: proc,
        configPath,
        workspace: join(home, 'workspace'),
        ready: (timeoutMs = 30_000) => proc.waitForLine(READY_LINE, timeoutMs),
        stop: () => proc.stop(),
      };
      tentacles.set(name, handle);
      return handle;
    };

    const names =
      typeof options.tentacles === 'number'
        ? Array.from({ length: options.tentacles }, (_, i) => `node-${i + 1}`)
        : (options.tentacles ?? []);
    await Promise.all(names.map((name) => startTentacle(name).then((t) => t.ready())));

    return {
      dir,
      pki,
      ports,
      bindIp,
      rootPassword,
      databaseUrl: database.url,
      redisKeyPrefix,
      nameserver,
      get brain() {
        return brain;
      },
      tentacles,
      apiUrl,
      api: apiCall,
      octl: (args, opts = {}) => runOctl(opts.config ?? octlConfig, args, dir, opts),
      userOctlConfig: (user) =>
        writeYaml(join(dir, `${user}-octl.yaml`), {
          httpsNameServer: { enable: true, host: bindIp, port: nsHttps, httpPort: nsHttp },
          brain: { name: 'brain', ip: '127.0.0.1', port: api },
          ssl: { caCert: pki.caPath },
          auth: { tokenFile: join(dir, user, 'token.json') },
          workgroup: { currentPathFile: join(dir, user, 'current-path.yaml') },
        }),
      startTentacle,
      restartBrain: async ({ kill = false } = {}) => {
        await (kill ? brain.kill() : brain.stop());
        brain = await spawnBrain();
      },
      waitForNode: async (name, accept, timeoutMs = 30_000) => {
        let last: ApiResponse<NodeView> | undefined;
        try {
          await waitFor(
            async () => {
              last = await apiCall<NodeView>(`/api/v2/nodes/${encodeURIComponent(name)}`);
              return last.status === 200 && accept(last.body);
            },
            { timeoutMs, intervalMs: 200, what: `node ${name}` },
          );
        } catch (error) {
          throw new Error(
            `${(error as Error).message}; last answer: ${last?.status} ${JSON.stringify(last?.body)}`,
          );
        }
        return (last as ApiResponse<NodeView>).body;
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function runOctl(config: string, args: string[], cwd: string, opts: OctlOptions): Promise<OctlResult> {
  return new Promise((resolveResult) => {
    const child = execFile(
      'node',
      [mainOf('octl'), '--config', config, ...args],
      { cwd, env: { ...process.env, ...cleanEnv(opts.env ?? {}) }, timeout: opts.timeoutMs ?? 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolveResult({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
