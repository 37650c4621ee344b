import { ConfigError } from '@octopod/config';
import { ReleaseError, checkReleasePublicKey } from '@octopod/release';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { realClock, type Clock } from './clock';
import { parseConfig, type PakmaConfig, type PakmaConfigInput } from './config';
import { statusFileProbe } from './health/status-file';
import { HttpError } from './http/http-error';
import { pakmaRoutes, type RouteHandler } from './http/routes';
import { ReleaseInstaller, type Installer } from './install/installer';
import { cachedNameServerSource } from './install/release-source';
import { runCommand } from './install/run-command';
import { History, HISTORY_FILE } from './state/history';
import { loadState, saveState, STATE_FILE } from './state/state-file';
import { Supervisor } from './supervisor/supervisor';

/** A restart command that takes longer than this is killed and counts as failed. */
const RESTART_TIMEOUT_MS = 60_000;

export interface RunningPakma {
  port: number;
  supervisor: Supervisor;
  /** Stops listening, the preview watch, and waits for a running operation. */
  close(): Promise<void>;
}

export interface PakmaDeps {
  logger?: Logger;
  clock?: Clock;
  /** Replaces the release installer (unit tests). */
  installer?: Installer;
}

/** Starts pakma: state from `<root>/pakma.json`, the supervisor, and the HTTP API on `ip:port`. */
export async function startPakma(
  input: PakmaConfig | PakmaConfigInput,
  deps: PakmaDeps = {},
): Promise<RunningPakma> {
  const config = parseConfig(input);
  const logger = deps.logger ?? pino({ level: 'silent' });
  const clock = deps.clock ?? realClock;
  const releaseKeyPem = readReleaseKey(config.releaseKey);
  const tls = readTls(config.tls);
  await mkdir(config.root, { recursive: true });
  const history = await History.open(join(config.root, HISTORY_FILE));
  const statePath = join(config.root, STATE_FILE);
  const installer =
    deps.installer ??
    new ReleaseInstaller({
      app: config.app,
      os: config.os,
      arch: config.arch,
      installRoot: config.installRoot,
      cacheDir: join(config.root, 'cache'),
      releaseKeyPem,
      source: cachedNameServerSource(join(config.root, 'cache'), {
        ...config.nameServer,
        ...tls,
        timeoutMs: config.downloadTimeout * 1000,
      }),
      restart: () => runCommand(config.restart, RESTART_TIMEOUT_MS),
      restartDelayMs: config.restartDelay * 1000,
      logger,
    });
  const supervisor = new Supervisor({
    state: await loadState(statePath),
    saveState: (state) => saveState(statePath, state),
    history,
    installer,
    clock,
    previewMs: config.previewDuration * 1000,
    healthyMs: config.healthySeconds * 1000,
    probe: config.statusFile ? statusFileProbe(config.statusFile) : undefined,
    logger,
  });
  const routes = pakmaRoutes(supervisor);
  const server = createServer((req, res) => void handle(routes, req, res, logger));
  const close = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await supervisor.close();
  };
  try {
    const port = await listen(server, config.port, config.ip);
    return { port, supervisor, close };
  } catch (error) {
    await supervisor.close();
    throw error;
  }
}

async function handle(
  routes: Map<string, RouteHandler>,
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://pakma');
  try {
    const route = routes.get(`${req.method} ${url.pathname}`);
    if (!route) throw new HttpError('not_found', 'not found');
    const reply = await route(req, url.searchParams);
    logger.debug({ method: req.method, path: url.pathname, status: reply.status }, 'request');
    sendJson(res, reply.status, reply.body);
  } catch (error) {
    if (error instanceof HttpError) return sendJson(res, error.status, { msg: error.message });
    logger.error({ err: (error as Error).message, path: url.pathname }, 'request failed');
    sendJson(res, 500, { msg: 'internal error' });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': payload.length,
  });
  res.end(payload);
}

function readFile(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError('pakma', [
      `${field}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    ]);
  }
}

/** The release public key; pakma refuses to start without a usable one. */
function readReleaseKey(path: string): string {
  const pem = readFile('releaseKey', path).toString('utf8');
  try {
    checkReleasePublicKey(pem);
  } catch (error) {
    if (error instanceof ReleaseError)
      throw new ConfigError('pakma', [`releaseKey: ${path}: ${error.message}`]);
    throw error;
  }
  return pem;
}

function readTls(tls: PakmaConfig['tls']): { ca: Buffer; cert: Buffer; key: Buffer } {
  return {
    ca: readFile('tls.ca', tls.ca),
    cert: readFile('tls.cert', tls.cert),
    key: readFile('tls.key', tls.key),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
