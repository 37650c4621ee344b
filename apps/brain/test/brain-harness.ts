import 'reflect-metadata';
import {
  FakeTentacle,
  freePortRange,
  freePorts,
  makeTempDir,
  makeTestPki,
  type FakeTentacleOptions,
  type TestPki,
} from '@octopod/testing';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { join } from 'node:path';
import pino from 'pino';
import { startBrain, type RunningBrain } from '../src/bootstrap';
import { parseBrainConfig, type BrainConfig } from '../src/core/config/brain-config';
import { splitDatabaseUrl } from '../src/core/database/database-url';

/** Tests may read the environment; the brain itself reads only its config. */
const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const ROOT_PASSWORD = 'root-secret';

export interface TestBrain {
  brain: RunningBrain;
  config: BrainConfig;
  pki: TestPki;
  gatewayUrl: string;
  /**
   * HTTPS request to the brain's API. `cert` names a client certificate made with pki.client or pki.admin
   * (default: admin; null: none).
   */
  api(path: string, options?: ApiOptions): Promise<ApiResponse>;
  tentacle(
    name: string,
    options?: {
      cert?: string | null;
      heartbeats?: boolean;
      execute?: FakeTentacleOptions['execute'];
      files?: FakeTentacleOptions['files'];
      /** What `log.get` answers (the last lines of these); none: the node keeps no log files. */
      logs?: FakeTentacleOptions['logs'];
      /** Where `tunnel.open` connects (a stand-in for the node's sshd); none: tunnels are refused. */
      ssh?: FakeTentacleOptions['ssh'];
      /** How its pakma answers; none: as a node without pakma. */
      pakma?: FakeTentacleOptions['pakma'];
      /** The version it says in hello. */
      version?: string;
    },
  ): FakeTentacle;
  /** Closes the brain and starts a new one on the same config, ports and database (state survives). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ApiOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Sent verbatim instead of JSON-encoding `body`. */
  rawBody?: string | Buffer;
  cert?: string | null;
}

export interface ApiResponse {
  status: number;
  raw: Buffer;
  text: string;
  json: () => unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A brain in this process on free ports, with its own CA, Postgres schema and Redis key prefix. */
/** The liveness limits of specs that watch a silent node turn unstable, then dropped. */
export const TIGHT_LIVENESS = { activeTimeout: 0.5, recordTimeout: 1.5 };

export async function startTestBrain(
  tentacleFace: Partial<BrainConfig['tentacleFace']> = {},
  options: { caKey?: boolean } = {},
): Promise<TestBrain> {
  const dir = makeTempDir('octopod-brain-');
  const pki = makeTestPki(dir.path);
  const server = pki.server('brain');
  pki.admin();
  const [apiPort, gatewayPort] = await freePorts(2);
  const sshPorts = await freePortRange(3);
  const suffix = randomBytes(4).toString('hex');
  const schema = `it_${suffix}`;
  const url = new URL(BASE_DATABASE_URL);
  url.searchParams.set('schema', schema);
  const config = parseBrainConfig({
    name: 'brain',
    octlFace: { ip: '127.0.0.1', port: apiPort },
    tentacleFace: {
      ip: '127.0.0.1',
      port: gatewayPort,
      // Quick heartbeats, but a loaded machine (every tier's workers at once) may stall this process for a while:
      // nodes turn unstable only after 3 s of silence. Specs about liveness pass TIGHT_LIVENESS.
      heartbeatInterval: 0.1,
      activeTimeout: 3,
      recordTimeout: 6,
      ...tentacleFace,
    },
    // Octopoda's ssh face on a free port, and three ssh ports of this test's own.
    proxylite: { port: 0, minMapPort: sshPorts.min, maxMapPort: sshPorts.max },
    database: { url: url.toString() },
    redis: { url: REDIS_URL, keyPrefix: `it-${suffix}:` },
    ssl: {
      caCert: pki.caPath,
      serverCert: server.certPath,
      serverKey: server.keyPath,
      // The brain signs enrolments with the CA key unless a test wants enrolment disabled.
      caKey: options.caKey === false ? undefined : pki.caKeyPath,
    },
    workgroup: { rootPassword: ROOT_PASSWORD },
    // The harness logs through its own pino; tests write the brain's daily files here themselves.
    logger: { level: 'warn', path: join(dir.path, 'log'), namePrefix: 'brain' },
    workspace: { root: join(dir.path, 'workspace'), store: join(dir.path, 'store') },
    // Small chunks and window, so tests of flow control and re-sends need no large files.
    files: { chunkBytes: 64 * 1024, windowBytes: 256 * 1024, idleTimeoutSeconds: 3 },
  });
  const launch = () =>
    startBrain(config, { api: true, worker: true }, pino({ level: process.env.OCTOPOD_TEST_LOG ?? 'warn' }));
  const brain = await launch();
  const ca = readFileSync(pki.caPath);
  const gatewayUrl = `wss://127.0.0.1:${gatewayPort}/tentacle`;
  const tentacles: FakeTentacle[] = [];

  const api = (path: string, options: ApiOptions = {}) =>
    new Promise<ApiResponse>((resolve, reject) => {
      const certName = options.cert === undefined ? 'admin' : options.cert;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const req = request(
        {
          host: '127.0.0.1',
          port: apiPort,
          path,
          method: options.method ?? 'GET',
          ca,
          servername: 'octopoda',
          cert: certName ? readFileSync(`${dir.path}/${certName}.pem`) : undefined,
          key: certName ? readFileSync(`${dir.path}/${certName}.key`) : undefined,
          headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const text = raw.toString();
            resolve({
              raw,
              status: res.statusCode ?? 0,
              text,
              json: () => JSON.parse(text),
              headers: res.headers,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const handle: TestBrain = {
    brain,
    config,
    pki,
    gatewayUrl,
    api,
    tentacle(name, options = {}) {
      const certName = options.cert === undefined ? name : options.cert;
      const tentacle = new FakeTentacle({
        url: gatewayUrl,
        caPath: pki.caPath,
        certPath: certName ? `${dir.path}/${certName}.pem` : undefined,
        keyPath: certName ? `${dir.path}/${certName}.key` : undefined,
        name,
        heartbeats: options.heartbeats,
        execute: options.execute,
        files: options.files,
        logs: options.logs,
        ssh: options.ssh,
        pakma: options.pakma,
        version: options.version,
      });
      tentacles.push(tentacle);
      return tentacle;
    },
    async restart() {
      await handle.brain.close();
      handle.brain = await launch();
    },
    async stop() {
      await Promise.all(tentacles.map((t) => t.close().catch(() => undefined)));
      await handle.brain.close().catch(() => undefined); // a test may have closed it already
      const client = new Client({ connectionString: splitDatabaseUrl(config.database.url).connectionString });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      dir.remove();
    },
  };
  return handle;
}
