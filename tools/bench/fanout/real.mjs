#!/usr/bin/env node
// End-to-end fan-out with real processes: a brain, N real tentacle processes (each spawning a real shell) and the
// octl CLI, measuring `octl cmd run -c 'echo hi' <all nodes>` from spawning octl to its exit.
//   node tools/bench/fanout/real.mjs [--tentacles 20] [--reps 20]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnBenchTentacle, startBenchBrain } from '../connect/stack.mjs';

const { values } = parseArgs({
  options: {
    tentacles: { type: 'string', default: '20' },
    reps: { type: 'string', default: '20' },
  },
});
const count = Number(values.tentacles);
const reps = Number(values.reps);
const repo = resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);
const yaml = require('yaml');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const writeYaml = (path, value) => (writeFileSync(path, yaml.stringify(value)), path);

console.error(`starting a brain and ${count} tentacle processes ...`);
const brain = await startBenchBrain();
const names = Array.from({ length: count }, (_, i) => `real-${String(i + 1).padStart(2, '0')}`);
const children = names.map((name) => spawnBenchTentacle(brain, name));
while ((await brain.onlineCount()) < count) await sleep(200);

const octlConfig = writeYaml(join(brain.dir, 'octl.yaml'), {
  httpsNameServer: { enable: false },
  brain: { name: 'brain', ip: brain.apiAddress.host, port: brain.apiAddress.port },
  ssl: { caCert: brain.caPath, clientCert: brain.admin.certPath, clientKey: brain.admin.keyPath },
  workgroup: { root: '', password: brain.rootPassword, currentPathFile: join(brain.dir, 'octl-path.yaml') },
});
const octl = (args) =>
  new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      [join(repo, 'apps/octl/dist/main.js'), '--config', octlConfig, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`octl exited ${code}: ${out}`))));
  });

// What any octl call costs here (starting Node, loading octl, one TLS request): the floor under the figures.
const floor = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await octl(['node', 'get', '-o', 'json', ...names]);
  floor.push(performance.now() - t0);
}
floor.sort((a, b) => a - b);

console.error(`all online; ${reps} runs of octl cmd run -c 'echo hi' on ${count} nodes ...`);
const times = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  const out = await octl(['cmd', 'run', '-o', 'json', '-c', 'echo hi', ...names]);
  times.push(performance.now() - t0);
  const summary = JSON.parse(out);
  if (summary.Success !== count) throw new Error(`run ${i + 1}: ${summary.Success}/${count} succeeded`);
}
for (const child of children) child.kill('SIGTERM');
await Promise.all(children.map((child) => new Promise((ok) => child.once('exit', ok))));
await brain.stop();

times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`\nreal fan-out: octl cmd run -c 'echo hi' on ${count} real tentacles, ${reps} runs`);
console.log(
  `median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times.at(-1).toFixed(0)} ms`,
);
console.log(
  `(includes starting octl each time; octl node get on the same nodes: median ${floor[2].toFixed(0)} ms)`,
);
