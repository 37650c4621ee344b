#!/usr/bin/env node
// Fan-out benchmark over the full path: API -> Postgres -> BullMQ -> WebSocket -> simulated tentacles (they answer
// without spawning) -> results persisted -> client told through the task's event stream.
//   node tools/bench/fanout/bench.mjs [--counts 100,1000,5000] [--reps 20] [--heartbeat 1] [--cert-cache dir]
// --heartbeat s: the brain's heartbeatInterval (activeTimeout and recordTimeout scale with it: 3x, 10x). Thousands
// of simulated nodes sharing two cores with the brain need more than Octopoda's 1 s to stay connected.
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { startBenchBrain } from '../connect/stack.mjs';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '100,1000,5000' },
    reps: { type: 'string', default: '20' },
    heartbeat: { type: 'string', default: '1' },
    'cert-cache': { type: 'string', default: join(tmpdir(), 'octopod-bench-certs') },
  },
});
const counts = values.counts.split(',').map(Number);
const reps = Number(values.reps);
const require = createRequire(import.meta.url);
const { startSwarm } = require(resolve(import.meta.dirname, '../../../apps/tentacle/dist/index.js'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const rows = [];
for (const count of counts) {
  console.error(`N=${count}: starting brain and ${count} simulated tentacles ...`);
  const beat = Number(values.heartbeat);
  const brain = await startBenchBrain({
    tentacleFace: { heartbeatInterval: beat, activeTimeout: 3 * beat, recordTimeout: 10 * beat },
  });
  const swarm = startSwarm({
    count,
    ca: brain.ca,
    brain: brain.gateway,
    certCacheDir: values['cert-cache'],
    simulate: true,
  });
  const progress = setInterval(() => {
    const s = swarm.stats();
    console.error(
      `  ${s.everReady}/${count} welcomed, ${s.connected} connected, ${s.reconnects} reconnects, ${s.failedAttempts} failed attempts`,
    );
  }, 10_000);
  await swarm.ready;
  clearInterval(progress);
  while ((await brain.onlineCount()) < count) await sleep(200);
  console.error(`N=${count}: all online; ${reps} fan-outs of "echo hi" ...`);
  const latencies = [];
  const failures = [];
  const started = Date.now();
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const task = await brain.api('/api/v2/tasks', {
      method: 'POST',
      body: { targets: ['@'], command: 'echo hi' },
    });
    if (!task.id) throw new Error(`task not created: ${JSON.stringify(task)}`);
    await brain.untilDone(task.id);
    latencies.push(performance.now() - t0);
    const done = await brain.api(`/api/v2/tasks/${task.id}`);
    if (done.counts.success !== count) {
      const bad = done.invocations.filter((i) => i.state !== 'success');
      failures.push(
        `${count - done.counts.success} not successful (${[...new Set(bad.map((i) => `${i.state}: ${i.error}`))].join('; ')})`,
      );
    }
  }
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  rows.push({
    count,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    perSecond: reps / seconds,
  });
  await swarm.stop();
  await brain.stop();
}

console.log('\nfan-out benchmark: "echo hi" to every node, full path, brain and swarm sharing this machine');
console.log('N      p50        p99        tasks/s');
for (const r of rows) {
  console.log(
    `${String(r.count).padEnd(6)} ${`${r.p50.toFixed(0)} ms`.padEnd(10)} ${`${r.p99.toFixed(0)} ms`.padEnd(10)} ${r.perSecond.toFixed(2)}`,
  );
}
