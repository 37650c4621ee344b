#!/usr/bin/env node
// Connection benchmark: N simulated tentacles in this one process dial the brain gateway; prints how long until
// every node was welcomed, then holds them for a settle period and reports drops and reconnects.
// Needs the built tentacle (npx tsc -b apps/tentacle). Usage: see tools/bench/README.md.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const entry = resolve(root, 'apps/tentacle/dist/index.js');

const USAGE = `usage: node tools/bench/connect/run.mjs --ca-cert <ca.pem> --ca-key <ca.key>
         (--brain <ip:port> | --name-server <host:httpPort> [--brain-name brain])
         [--count 100] [--settle 10] [--timeout 120] [--prefix sim-] [--first 1]
         [--cert-cache <dir>] [--reconnect-base 1] [--reconnect-max 30] [--log-level error] [--json]`;

function fail(message) {
  process.stderr.write(`connect bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      'ca-cert': { type: 'string' },
      'ca-key': { type: 'string' },
      brain: { type: 'string' },
      'name-server': { type: 'string' },
      'brain-name': { type: 'string', default: 'brain' },
      count: { type: 'string', default: '100' },
      settle: { type: 'string', default: '10' },
      timeout: { type: 'string', default: '120' },
      prefix: { type: 'string', default: 'sim-' },
      first: { type: 'string', default: '1' },
      'cert-cache': { type: 'string' },
      'reconnect-base': { type: 'string', default: '1' },
      'reconnect-max': { type: 'string', default: '30' },
      'log-level': { type: 'string', default: 'error' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (error) {
  fail(error.message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!existsSync(entry)) fail(`${entry} is missing: build first (npx tsc -b apps/tentacle)`);
if (!args['ca-cert'] || !args['ca-key'])
  fail('--ca-cert and --ca-key are required (the CA that signs node certificates)');
if (!args.brain === !args['name-server']) fail('give exactly one of --brain or --name-server');

const number = (name, { integer = false, min = 0 } = {}) => {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value)))
    fail(`--${name} must be a number >= ${min}`);
  return value;
};
const count = number('count', { integer: true, min: 1 });
const settleS = number('settle');
const timeoutS = number('timeout', { min: 1 });
const first = number('first', { integer: true });

const require = createRequire(import.meta.url);
const tentacle = require(entry);
const pino = require(require.resolve('pino', { paths: [resolve(root, 'apps/tentacle')] }));

function location(flag) {
  const address = tentacle.parseAddress(args[flag]);
  if (!address) fail(`--${flag} must be host:port`);
  return address;
}

const ca = { certPem: readFileSync(args['ca-cert'], 'utf8'), keyPem: readFileSync(args['ca-key'], 'utf8') };
const ns = args['name-server'] ? location('name-server') : undefined;
const logger = pino({ level: args['log-level'], base: undefined }, pino.destination(2));

const swarm = tentacle.startSwarm({
  count,
  ca,
  brain: ns ? undefined : location('brain'),
  nameServer: ns ? { host: ns.host, httpPort: ns.port, brainName: args['brain-name'] } : undefined,
  namePrefix: args.prefix,
  firstIndex: first,
  certCacheDir: args['cert-cache'],
  reconnect: { baseMs: number('reconnect-base') * 1000, capMs: number('reconnect-max') * 1000 },
  logger,
});

const say = (line) => {
  if (!args.json) process.stdout.write(`${line}\n`);
};
// CPU is counted from here: certificate issuance is set-up, not connection cost.
const cpuStart = process.cpuUsage();
say(`certificates: ${count} in ${swarm.setupMs.toFixed(0)} ms`);

let stopping = false;
async function finish(code, result) {
  if (stopping) return;
  stopping = true;
  await swarm.stop();
  if (result && args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(code);
}
process.on('SIGINT', () => void finish(130));
process.on('SIGTERM', () => void finish(143));

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const timeout = new Promise((resolveTimeout) =>
  setTimeout(() => resolveTimeout(null), timeoutS * 1000).unref(),
);
const ready = await Promise.race([swarm.ready, timeout]);
if (!ready) {
  const stats = swarm.stats();
  process.stderr.write(
    `connect bench: only ${stats.everReady}/${count} nodes welcomed within ${timeoutS} s\n`,
  );
  await finish(1, { ok: false, count, ...stats });
}

const sorted = [...ready.readyAfterMs].sort((a, b) => a - b);
const connect = {
  allReadyMs: Math.round(ready.elapsedMs),
  p50Ms: Math.round(percentile(sorted, 50)),
  p95Ms: Math.round(percentile(sorted, 95)),
  p99Ms: Math.round(percentile(sorted, 99)),
  ratePerS: Math.round((count / ready.elapsedMs) * 1000),
};
say(
  `all ${count} welcomed in ${connect.allReadyMs} ms (p50 ${connect.p50Ms}, p95 ${connect.p95Ms}, p99 ${connect.p99Ms} ms; ${connect.ratePerS}/s)`,
);

const atReady = swarm.stats();
if (settleS > 0) {
  say(`settling for ${settleS} s ...`);
  await new Promise((resolveSettle) => setTimeout(resolveSettle, settleS * 1000));
}
const after = swarm.stats();
const cpu = process.cpuUsage(cpuStart);
const result = {
  ok: after.connected === count,
  count,
  setupMs: Math.round(swarm.setupMs),
  connect,
  settle: {
    seconds: settleS,
    connected: after.connected,
    downs: after.downs - atReady.downs,
    reconnects: after.reconnects - atReady.reconnects,
    failedAttempts: after.failedAttempts - atReady.failedAttempts,
  },
  swarmProcess: {
    rssMb: Math.round(process.memoryUsage().rss / 1048576),
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
  },
};
say(
  `after settle: ${after.connected}/${count} connected, ${result.settle.downs} drops, ${result.settle.reconnects} reconnects, ` +
    `${result.settle.failedAttempts} failed attempts`,
);
say(
  `swarm process: rss ${result.swarmProcess.rssMb} MB, cpu user ${result.swarmProcess.cpuUserMs} ms, system ${result.swarmProcess.cpuSystemMs} ms`,
);
await finish(result.ok ? 0 : 1, result);
