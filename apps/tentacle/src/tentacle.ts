import { StatusSampler, type StatusSource } from '@octopod/host';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { TentacleConfig } from './config';
import type { TlsMaterial } from './link/dialler';
import { Link, type LinkEvents } from './link/link';
import { nameServerResolver, staticResolver, type Resolver } from './link/resolver';
import type { EventEmitter } from 'node:events';
import { TaskRunner } from './exec/task-runner';
import { filesRoots } from './files/file-roots';
import { NodeFiles } from './files/node-files';
import { logFiles } from './logs/log-service';
import { parseSshAddress } from './ssh/ssh-address';
import { sshTunnels } from './ssh/tunnel-service';
import { localPakma } from './pakma/pakma-service';
import { NodeApps } from './nodeapps/node-apps';
import { tentacleVersion } from './version';
import pino from 'pino';

export interface TentacleDeps {
  logger?: Logger;
  /** Share one sampler between many tentacles (the swarm); otherwise the tentacle runs its own. */
  status?: StatusSource;
  /** TLS material in memory instead of reading `config.ssl` paths. */
  tls?: TlsMaterial;
  /** Test hooks for the link's timing. */
  helloTimeoutMs?: number;
  random?: () => number;
  /** The environment commands inherit; default the tentacle's own (as Octopoda). */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface TentacleHandle {
  readonly link: Link;
  readonly events: EventEmitter<LinkEvents>;
  readonly tasks: TaskRunner;
  readonly files: NodeFiles;
  readonly nodeapps: NodeApps;
  /** Closes the link (code 1000), stops the timers and what runs (results are kept for the next start). */
  stop(): Promise<void>;
}

/** Which way the brain is found, from config: the name server if enabled, else `brain.ip:port`. */
export function resolverFor(config: TentacleConfig): Resolver {
  const ns = config.httpsNameServer;
  return ns.enable
    ? nameServerResolver({ host: ns.host, httpPort: ns.httpPort, brainName: config.brain.name })
    : staticResolver({ host: config.brain.ip, port: config.brain.port });
}

export function readTls(ssl: TentacleConfig['ssl']): TlsMaterial {
  const read = (field: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new Error(
        `ssl.${field}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  };
  return {
    ca: read('caCert', ssl.caCert),
    cert: read('clientCert', ssl.clientCert),
    key: read('clientKey', ssl.clientKey),
  };
}

/** Starts the agent: workspace dirs, status sampler, and the self-healing link to the brain. */
export function startTentacle(config: TentacleConfig, deps: TentacleDeps = {}): TentacleHandle {
  const logger = deps.logger ?? pino({ level: config.logger.level });
  const tls = deps.tls ?? readTls(config.ssl);
  mkdirSync(config.workspace.root, { recursive: true });
  mkdirSync(config.workspace.store, { recursive: true });
  const nodeapps = new NodeApps({ workspaceRoot: config.workspace.root, nodeName: config.name });
  const tasks = new TaskRunner({
    nodeName: config.name,
    logger,
    paths: {
      workspaceRoot: config.workspace.root,
      store: config.workspace.store,
      logPath: config.logger.path,
      pakmaRoot: config.pakma.root,
    },
    stateDir: config.state.dir,
    baseEnv: deps.baseEnv ?? process.env,
    configEnv: config.env,
    nodeapps,
  });
  const files = new NodeFiles({
    roots: filesRoots(config),
    allowAbsolute: config.files.allowAbsolutePaths,
    stateDir: config.state.dir,
    tasks,
    nodeapps,
    logger,
  });
  const ownSampler = deps.status ? undefined : new StatusSampler().start();
  const link = new Link({
    name: config.name,
    version: tentacleVersion(),
    resolve: resolverFor(config),
    tls,
    reconnect: {
      baseMs: config.heartbeat.reconnectInterval * 1000,
      capMs: config.heartbeat.reconnectMax * 1000,
    },
    status: deps.status ?? (ownSampler as StatusSampler),
    tasks,
    files,
    nodeapps,
    logs: logFiles(config.logger),
    tunnels: sshTunnels(parseSshAddress(config.ssh.address), config.ssh.maxTunnels, logger),
    pakma: localPakma({ host: '127.0.0.1', port: config.pakma.port }),
    logger,
    helloTimeoutMs: deps.helloTimeoutMs,
    random: deps.random,
  }).start();
  let stopping: Promise<void> | undefined;
  return {
    link,
    events: link.events,
    tasks,
    files,
    nodeapps,
    stop: () =>
      (stopping ??= link
        .stop()
        .then(() => tasks.close())
        .finally(() => {
          files.close();
          ownSampler?.stop();
        })),
  };
}
