import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ConfigError } from '@octopod/config';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { resolveBindAddress } from './bind-address';
import { parseConfig, type NameServerConfig, type NameServerConfigInput } from './config';
import { toNameServerError } from './errors';
import { sendMessage } from './http/reply';
import { createDispatcher, parseTarget, type Face, type RequestContext } from './http/router';
import { nameRoutes } from './routes/names.routes';
import { pingRoutes } from './routes/ping.routes';
import { staticFallback } from './routes/static.routes';
import { summaryRoutes } from './routes/summary.routes';
import { RequestStats } from './stats';
import { NameStore } from './store/name-store';

export interface RunningNameServer {
  /** Bound ports (useful when the config asked for port 0). */
  httpsPort: number;
  httpPort: number;
  address: string;
  /** Stops both listeners (dropping idle keep-alive connections) and the Redis client. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

/** Serves the name service: HTTPS (mTLS) with every route, plain HTTP with `/ping` and `/query` only. */
export async function startNameServer(
  input: NameServerConfig | NameServerConfigInput,
  options: StartOptions = {},
): Promise<RunningNameServer> {
  const config = parseConfig(input);
  const logger = options.logger ?? pino({ level: 'silent' });
  const tls = readTlsFiles(config.ssl);
  const address = resolveBindAddress(config, networkInterfaces());

  const redis = connectRedis(config.redis, logger);
  await redis.connect().catch((error: Error) => {
    // Not fatal: lookups answer 500 until Redis is back, and ioredis keeps reconnecting.
    logger.warn({ err: error.message }, 'redis unavailable at start');
  });

  const stats = new RequestStats();
  const store = new NameStore(redis, config.redis.keyPrefix);
  const dispatch = createDispatcher(
    [...pingRoutes(), ...nameRoutes(store), ...summaryRoutes(stats)],
    [staticFallback(config.staticDir)],
  );
  const handlerFor = (face: Face) => (req: IncomingMessage, res: ServerResponse) =>
    handleRequest(face, req, res, dispatch, stats, logger);

  const httpsServer = createHttpsServer(
    { ...tls, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    handlerFor('https'),
  );
  httpsServer.on('tlsClientError', (error) => logger.debug({ err: error.message }, 'tls handshake refused'));
  const httpServer = createHttpServer(handlerFor('http'));

  const close = async () => {
    await Promise.all([closeServer(httpsServer), closeServer(httpServer)]);
    await redis.quit().catch(() => redis.disconnect());
  };
  try {
    const httpsPort = await listen(httpsServer, config.servePort, address);
    const httpPort = await listen(httpServer, config.httpPort, address);
    return { httpsPort, httpPort, address, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function handleRequest(
  face: Face,
  req: IncomingMessage,
  res: ServerResponse,
  dispatch: (ctx: RequestContext) => Promise<void>,
  stats: RequestStats,
  logger: Logger,
): void {
  const startedAt = Date.now();
  const method = req.method ?? 'GET';
  const { path, query } = parseTarget(req.url);
  const finish = stats.begin(path, method);
  res.once('close', () => {
    // A response cut short (never ended) did not succeed, whatever status it had announced.
    const status = res.writableEnded ? res.statusCode : 0;
    finish(status);
    const line = { face, method, path, status, ms: Date.now() - startedAt };
    if (status >= 500 || status === 0) logger.warn(line, 'request');
    else logger.debug(line, 'request');
  });
  dispatch({ req, res, face, method, path, query }).catch((thrown: unknown) => {
    const error = toNameServerError(thrown);
    if (error.status >= 500)
      logger.error({ err: error.cause ?? error, code: error.code, path }, error.message);
    if (res.headersSent) res.destroy();
    else sendMessage(res, error.status, error.message);
  });
}

function readTlsFiles(ssl: NameServerConfig['ssl']): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (field: keyof typeof ssl) => {
    try {
      return readFileSync(ssl[field]);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError('nameserver', [`ssl.${field}: cannot read ${ssl[field]} (${reason})`]);
    }
  };
  return { ca: read('caCert'), cert: read('serverCert'), key: read('serverKey') };
}

function connectRedis(options: NameServerConfig['redis'], logger: Logger): Redis {
  const common = {
    lazyConnect: true,
    // Fail fast while disconnected: a 500 now beats a request hanging until Redis returns.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  };
  const redis = options.url
    ? new Redis(options.url, common)
    : new Redis({
        ...common,
        host: options.ip,
        port: options.port,
        password: options.password || undefined,
        db: options.db,
      });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log it once per change.
    if (error.message !== lastError) logger.warn({ err: error.message }, 'redis error');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) logger.info('redis reconnected');
    lastError = '';
  });
  return redis;
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

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // A download still streaming gets a moment to finish, then it is cut.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
