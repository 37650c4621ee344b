// Starts a real brain process for benchmarks: own temp dir, CA, Postgres database and Redis key prefix.
// Shared by the benchmark scripts under tools/bench/.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const repo = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const pki = require(join(repo, 'libs/pki/dist/index.js'));
const yaml = require('yaml');

const PG = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function psql(sql) {
  execFileSync('psql', [PG, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** CPU seconds (user + system) and RSS in MB of a process, from /proc. */
export function processFigures(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const clk = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds: ticks / clk, rssMb: rssKb / 1024 };
}

/** Average CPU % of a process over `seconds`, and its RSS at the end. */
export async function measureAtRest(pid, seconds) {
  const before = processFigures(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = processFigures(pid);
  return { cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100, rssMb: after.rssMb };
}

export async function startBenchBrain({ logLevel = 'info', tentacleFace = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'octopod-bench-'));
  const ca = pki.createCa({ commonName: 'Octopod Bench CA' });
  pki.writeCertifiedKey(dir, 'ca', ca);
  const server = pki.writeCertifiedKey(dir, 'brain', pki.issueServerCert(ca, { commonName: 'brain' }));
  const admin = pki.writeCertifiedKey(
    dir,
    'admin',
    pki.issueClientCert(ca, { commonName: 'admin', role: 'admin' }),
  );
  const suffix = randomBytes(4).toString('hex');
  const database = `octopod_bench_${suffix}`;
  psql(`CREATE DATABASE ${database}`);
  const dbUrl = new URL(PG);
  dbUrl.pathname = `/${database}`;
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  const config = {
    name: 'brain',
    httpsNameServer: { enable: false },
    tentacleFace: { ip: '127.0.0.1', port: gatewayPort, ...tentacleFace },
    octlFace: { ip: '127.0.0.1', port: apiPort },
    database: { url: dbUrl.toString() },
    redis: { url: REDIS_URL, keyPrefix: `bench-${suffix}:` },
    // The CA key lets the brain sign enrolments (tools/bench/enrol).
    ssl: {
      caCert: join(dir, 'ca.pem'),
      serverCert: server.certPath,
      serverKey: server.keyPath,
      caKey: join(dir, 'ca.key'),
    },
    workgroup: { rootPassword: `bench-${suffix}` },
    logger: { level: logLevel },
    workspace: { root: join(dir, 'workspace'), store: join(dir, 'store') },
    // BENCH_FILES_WINDOW_MIB / BENCH_FILES_CHUNK_KIB try other transfer settings (tools/bench/files).
    files: {
      ...(process.env.BENCH_FILES_WINDOW_MIB
        ? { windowBytes: Number(process.env.BENCH_FILES_WINDOW_MIB) * 1048576 }
        : {}),
      ...(process.env.BENCH_FILES_CHUNK_KIB
        ? { chunkBytes: Number(process.env.BENCH_FILES_CHUNK_KIB) * 1024 }
        : {}),
    },
  };
  const configPath = join(dir, 'brain.yaml');
  writeFileSync(configPath, yaml.stringify(config));
  // BENCH_BRAIN_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the brain under load.
  const nodeArgs = (process.env.BENCH_BRAIN_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(repo, 'apps/brain/dist/main.js'), '-c', configPath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((ok, fail) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('"msg":"ready"')) ok();
    });
    child.once('exit', (code) => fail(new Error(`brain exited (${code}) before it was ready`)));
  });
  child.stdout.resume();

  const tls = {
    ca: readFileSync(join(dir, 'ca.pem')),
    cert: readFileSync(admin.certPath),
    key: readFileSync(admin.keyPath),
  };
  const agent = new Agent({ keepAlive: true, ...tls });
  const api = (path, { method = 'GET', body } = {}) =>
    new Promise((ok, fail) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers = payload
        ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
        : {};
      const options = {
        host: '127.0.0.1',
        port: apiPort,
        path,
        method,
        servername: 'octopoda',
        agent,
        headers,
      };
      const req = request(options, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => ok(JSON.parse(text)));
      });
      req.on('error', fail);
      req.end(payload);
    });
  /** Resolves when the task's event stream says `done`. */
  const untilDone = (taskId) =>
    new Promise((ok, fail) => {
      const path = `/api/v2/tasks/${taskId}/events`;
      const req = request(
        { host: '127.0.0.1', port: apiPort, path, servername: 'octopoda', agent },
        (res) => {
          // Only a short tail is kept: a large task's stream is long, and `done` may straddle two chunks.
          let tail = '';
          res.on('data', (c) => {
            const window = tail + c;
            tail = window.slice(-16);
            if (window.includes('event: done\n')) {
              res.destroy();
              ok();
            }
          });
          res.on('end', ok);
        },
      );
      req.on('error', (error) => (error.code === 'ECONNRESET' ? ok() : fail(error)));
      req.end();
    });

  return {
    pid: child.pid,
    apiPort,
    agent,
    ca,
    gateway: { host: '127.0.0.1', port: gatewayPort },
    apiAddress: { host: '127.0.0.1', port: apiPort },
    dir,
    rootPassword: config.workgroup.rootPassword,
    caPath: join(dir, 'ca.pem'),
    admin: { certPath: admin.certPath, keyPath: admin.keyPath },
    api,
    untilDone,
    async onlineCount() {
      const list = await api('/api/v2/nodes?state=online');
      return list.nodes.length;
    },
    async stop() {
      agent.destroy();
      child.kill('SIGTERM');
      await new Promise((ok) => child.once('exit', ok));
      try {
        psql(`DROP DATABASE IF EXISTS ${database}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts a real tentacle process for `brain` (its own home, node certificate and config); returns the child. */
export function spawnBenchTentacle(
  brain,
  name,
  { logLevel = 'warn', stdio = ['ignore', 'ignore', 'inherit'] } = {},
) {
  const home = join(brain.dir, 'tentacles', name);
  mkdirSync(home, { recursive: true });
  const cert = pki.writeCertifiedKey(
    home,
    name,
    pki.issueClientCert(brain.ca, { commonName: name, role: 'node' }),
  );
  const config = join(home, 'tentacle.yaml');
  writeFileSync(
    config,
    yaml.stringify({
      name,
      httpsNameServer: { enable: false },
      brain: { name: 'brain', ip: brain.gateway.host, port: brain.gateway.port },
      logger: { path: '', level: logLevel },
      workspace: { root: join(home, 'workspace'), store: join(home, 'fstore') },
      state: { dir: join(home, 'state') },
      ssl: { caCert: brain.caPath, clientCert: cert.certPath, clientKey: cert.keyPath },
    }),
  );
  return spawn(process.execPath, [join(repo, 'apps/tentacle/dist/main.js'), '-c', config], { stdio });
}
