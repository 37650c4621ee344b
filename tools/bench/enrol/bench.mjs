#!/usr/bin/env node
// Enrolment benchmark over the real HTTPS route: a real brain process (Postgres, Redis), N join tokens, then N
// simulated nodes enrolling at once with limited concurrency, each over its own TLS connection without a client
// certificate, as `tentacle join` does (POST /api/v2/enrol, server verified against the CA).
// Measured: the enrolment requests only (token check, CSR check, signing, the token claim + certificate row in one
// transaction). Not measured: key generation (one shared RSA key pair; CSRs, one per node with its own CN, are made
// before the clock starts) and the CA fetch + fingerprint check a real node does first.
//   node tools/bench/enrol/bench.mjs [--count 500] [--concurrency 16] [--keep-alive] [--connect] [--json]
// --connect: afterwards connect the N enrolled nodes with the swarm (their new certificates) and time until all
// are online.
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { processFigures, startBenchBrain } from '../connect/stack.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '16' },
    'keep-alive': { type: 'boolean', default: false },
    connect: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: bench.mjs [--count N] [--concurrency C] [--keep-alive] [--connect] [--json]');
  process.exit(2);
}
const repo = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const pki = require(join(repo, 'libs/pki/dist/index.js'));
const { startSwarm, simulatedName } = require(join(repo, 'apps/tentacle/dist/index.js'));
const say = (text) => console.error(text);
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (ms) => Math.round(ms * 10) / 10;

/** Runs `work(i)` for i in [0, n) with at most `limit` at once. */
async function pool(n, limit, work) {
  let next = 0;
  const worker = async () => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

say('starting brain ...');
const brain = await startBenchBrain();
const certDir = mkdtempSync(join(tmpdir(), 'octopod-bench-enrol-'));
try {
  const names = Array.from({ length: count }, (_, i) => simulatedName('enr-', i + 1));

  say(`making ${count} join tokens ...`);
  const tokensStart = performance.now();
  const tokens = new Array(count);
  await pool(count, concurrency, async (i) => {
    const created = await brain.api('/api/v2/nodes/tokens', { method: 'POST', body: { ttlSeconds: 3600 } });
    if (!created.token) throw new Error(`token create failed: ${JSON.stringify(created)}`);
    tokens[i] = created.token;
  });
  const tokensMs = performance.now() - tokensStart;

  say('making CSRs (one shared key pair) ...');
  const keyPair = pki.generateRsaKeyPair();
  const csrs = names.map((name) => pki.createCsr(name, { keyPair }).csrPem);

  const caPem = brain.ca.certPem;
  const agent = values['keep-alive']
    ? new Agent({ keepAlive: true, ca: caPem, maxSockets: concurrency })
    : false;
  const enrol = (body) =>
    new Promise((ok, fail) => {
      const payload = JSON.stringify(body);
      const req = request(
        {
          host: brain.apiAddress.host,
          port: brain.apiAddress.port,
          path: '/api/v2/enrol',
          method: 'POST',
          servername: 'octopoda',
          ca: caPem,
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => ok({ status: res.statusCode, body: JSON.parse(text) }));
        },
      );
      req.on('error', fail);
      req.end(payload);
    });

  say(`enrolling ${count} nodes, ${concurrency} at a time ...`);
  const cpuBefore = processFigures(brain.pid).cpuSeconds;
  const latencies = [];
  const failures = [];
  const started = performance.now();
  await pool(count, concurrency, async (i) => {
    const t0 = performance.now();
    const res = await enrol({ token: tokens[i], name: names[i], csr: csrs[i] });
    latencies.push(performance.now() - t0);
    if (res.status !== 201) return void failures.push(`${names[i]}: ${res.status} ${res.body.code}`);
    pki.writeCertifiedKey(certDir, names[i], {
      certPem: res.body.certificate,
      keyPem: keyPair.privateKeyPem,
    });
  });
  const elapsedMs = performance.now() - started;
  const brainCpuSeconds = processFigures(brain.pid).cpuSeconds - cpuBefore;
  if (agent) agent.destroy();
  latencies.sort((a, b) => a - b);

  const result = {
    count,
    concurrency,
    keepAlive: values['keep-alive'],
    tokens: { ms: Math.round(tokensMs), perS: round((count / tokensMs) * 1000) },
    enrol: {
      ok: count - failures.length,
      failed: failures.length,
      ms: Math.round(elapsedMs),
      perS: round(((count - failures.length) / elapsedMs) * 1000),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies[latencies.length - 1]),
      brainCpuMsPerEnrolment: round((brainCpuSeconds * 1000) / count),
    },
  };
  if (failures.length) say(`failures (first 5): ${failures.slice(0, 5).join('; ')}`);

  if (values.connect && failures.length === 0) {
    say(`connecting the ${count} enrolled nodes with the swarm ...`);
    const swarm = startSwarm({
      count,
      ca: brain.ca,
      brain: brain.gateway,
      namePrefix: 'enr-',
      certCacheDir: certDir, // the enrolled certificates, reused because the brain's CA signed them
      keyPair,
    });
    const ready = await swarm.ready;
    let online = 0;
    while ((online = await brain.onlineCount()) < count) await new Promise((r) => setTimeout(r, 100));
    result.connect = { welcomedMs: Math.round(ready.elapsedMs), online, setupMs: Math.round(swarm.setupMs) };
    await swarm.stop();
  }

  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`\nenrolment benchmark (brain and client on this machine; they share its cores)`);
    console.log(`tokens:    ${count} made in ${result.tokens.ms} ms (${result.tokens.perS}/s)`);
    console.log(
      `enrolment: ${result.enrol.ok}/${count} in ${result.enrol.ms} ms = ${result.enrol.perS}/s ` +
        `(concurrency ${concurrency}, ${values['keep-alive'] ? 'keep-alive' : 'a new TLS connection each'}); ` +
        `latency p50 ${result.enrol.p50Ms} ms, p99 ${result.enrol.p99Ms} ms, max ${result.enrol.maxMs} ms; ` +
        `brain CPU ${result.enrol.brainCpuMsPerEnrolment} ms per enrolment`,
    );
    if (result.connect) {
      console.log(
        `connect:   all ${count} enrolled nodes welcomed in ${result.connect.welcomedMs} ms, all online per the API`,
      );
    }
  }
  process.exitCode = failures.length ? 1 : 0;
} finally {
  await brain.stop();
  rmSync(certDir, { recursive: true, force: true });
}
