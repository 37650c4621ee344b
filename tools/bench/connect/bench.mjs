#!/usr/bin/env node
// Connection benchmark over the full path: a real brain process (Postgres, Redis) and N simulated tentacles in
// one process (each with its own certificate and mTLS WebSocket, built from the tentacle's link code).
// Prints, per N: time until the brain's API lists all N online, and the brain's RSS and CPU at rest.
//   node tools/bench/connect/bench.mjs [--counts 100,1000] [--rest 10] [--cert-cache dir]
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { measureAtRest, startBenchBrain } from './stack.mjs';

const { values } = parseArgs({
  options: {
    counts: { type: 'string', default: '100,1000' },
    rest: { type: 'string', default: '10' },
    'cert-cache': { type: 'string', default: join(tmpdir(), 'octopod-bench-certs') },
  },
});
const counts = values.counts.split(',').map(Number);
const restSeconds = Number(values.rest);
const require = createRequire(import.meta.url);
const { startSwarm } = require(resolve(import.meta.dirname, '../../../apps/tentacle/dist/index.js'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rows = [];
for (const count of counts) {
  console.error(`N=${count}: starting brain ...`);
  const brain = await startBenchBrain();
  console.error(`N=${count}: brain ready (pid ${brain.pid}); starting ${count} simulated tentacles ...`);
  const idle = await measureAtRest(brain.pid, 3);
  const started = Date.now();
  const swarm = startSwarm({ count, ca: brain.ca, brain: brain.gateway, certCacheDir: values['cert-cache'] });
  const ready = await swarm.ready;
  console.error(
    `N=${count}: all welcomed in ${Math.round(ready.elapsedMs)} ms; waiting for the API to list them online ...`,
  );
  // The swarm times from its first dial; certificate set-up before that is not the brain's cost.
  const setupMs = Date.now() - started - ready.elapsedMs;
  let online = 0;
  while ((online = await brain.onlineCount()) < count) {
    if (Date.now() - started > 300_000) throw new Error(`only ${online}/${count} online after 300 s`);
    await sleep(100);
  }
  const allOnlineMs = Math.round(Date.now() - started - setupMs);
  console.error(
    `N=${count}: all online after ${allOnlineMs} ms; measuring the brain at rest for ${restSeconds} s ...`,
  );
  await sleep(3_000); // let the join burst settle before measuring rest
  const rest = await measureAtRest(brain.pid, restSeconds);
  const stats = swarm.stats();
  rows.push({
    count,
    setupMs,
    welcomedMs: Math.round(ready.elapsedMs),
    allOnlineMs,
    idleRssMb: idle.rssMb,
    restRssMb: rest.rssMb,
    restCpuPercent: rest.cpuPercent,
    drops: stats.downs,
  });
  await swarm.stop();
  await brain.stop();
}

console.log('\nconnect benchmark (brain + simulated tentacles on this machine; they share its cores)');
console.log('N      all online (API)  all welcomed  brain RSS idle -> at rest  brain CPU at rest  drops');
for (const r of rows) {
  console.log(
    `${String(r.count).padEnd(6)} ${`${r.allOnlineMs} ms`.padEnd(17)} ${`${r.welcomedMs} ms`.padEnd(13)} ` +
      `${`${r.idleRssMb.toFixed(0)} MB -> ${r.restRssMb.toFixed(0)} MB`.padEnd(26)} ${`${r.restCpuPercent.toFixed(1)} %`.padEnd(18)} ${r.drops}`,
  );
}
