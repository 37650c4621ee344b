#!/usr/bin/env node
// File distribution throughput with real processes: a brain and real tentacles on this machine. Uploads one
// random file to the brain (PUT /api/v2/files/blobs), pushes it to 1 and to N tentacles, and compares with `cat`
// of the same file; prints peak RSS (VmHWM) of the brain and the tentacles.
//   node tools/bench/files/bench.mjs [--size-mib 1024] [--tentacles 10]
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawnBenchTentacle, startBenchBrain } from '../connect/stack.mjs';

const { values } = parseArgs({
  options: { 'size-mib': { type: 'string', default: '1024' }, tentacles: { type: 'string', default: '10' } },
});
const sizeMiB = Number(values['size-mib']);
const many = Number(values.tentacles);
const MiB = 1024 * 1024;
const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (text) => console.error(text);

/** Peak resident set of a process so far, MB (VmHWM). */
function peakRssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

function timed(label, fn) {
  const t0 = performance.now();
  const out = fn();
  return Promise.resolve(out).then((value) => ({ label, seconds: (performance.now() - t0) / 1000, value }));
}

const brain = await startBenchBrain();
const file = join(brain.dir, 'payload.bin');
log(`writing ${sizeMiB} MiB of random bytes ...`);
{
  const handle = await open(file, 'w');
  const block = randomBytes(MiB);
  for (let i = 0; i < sizeMiB; i++) {
    block.writeUInt32BE(i, 0); // every MiB differs
    await handle.write(block);
  }
  await handle.close();
}
const size = statSync(file).size;

// `cat` of the same file, warm cache: to /dev/null (read speed) and to a copy on the same disk (a local move).
const catNull = await timed('cat > /dev/null', () => execFileSync('sh', ['-c', `cat '${file}' > /dev/null`]));
const catCopy = await timed('cat > copy', () =>
  execFileSync('sh', ['-c', `cat '${file}' > '${file}.copy' && sync '${file}.copy'`]),
);
rmSync(`${file}.copy`);

const tentacles = [];
function startTentacle(name) {
  tentacles.push({ name, child: spawnBenchTentacle(brain, name) });
}
const names = Array.from({ length: Math.max(1, many) }, (_, i) => `files-${String(i + 1).padStart(2, '0')}`);
names.forEach(startTentacle);
while ((await brain.onlineCount()) < names.length) await sleep(200);

log('uploading to the brain ...');
const upload = await timed(
  'upload (PUT blob)',
  () =>
    new Promise((ok, fail) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: brain.apiPort,
          path: '/api/v2/files/blobs',
          method: 'PUT',
          servername: 'octopoda',
          agent: brain.agent,
          headers: { 'content-type': 'application/octet-stream', 'content-length': size },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => (res.statusCode === 201 ? ok(JSON.parse(text)) : fail(new Error(text))));
        },
      );
      req.on('error', fail);
      createReadStream(file).pipe(req);
    }),
);
const blob = upload.value.sha256;

async function push(targets, path) {
  const task = await brain.api('/api/v2/files/push', {
    method: 'POST',
    body: { blob, name: 'payload.bin', format: 'file', path, targets },
  });
  if (!task.id) throw new Error(`push refused: ${JSON.stringify(task)}`);
  await brain.untilDone(task.id);
  const done = await brain.api(`/api/v2/tasks/${task.id}`);
  const failed = done.invocations.filter((i) => i.state !== 'success');
  if (failed.length)
    throw new Error(`push failed on ${failed.map((i) => `${i.node}: ${i.error}`).join('; ')}`);
}
log('pushing to 1 tentacle ...');
const one = await timed('push to 1', () => push([names[0]], '@fstore/one'));
log(`pushing to ${names.length} tentacles ...`);
const all = await timed(`push to ${names.length}`, () => push(names, '@fstore/all'));

const brainPeak = peakRssMb(brain.pid);
const tentaclePeaks = tentacles.map((t) => peakRssMb(t.child.pid));
for (const t of tentacles) t.child.kill('SIGTERM');
await Promise.all(tentacles.map((t) => new Promise((ok) => t.child.once('exit', ok))));
await brain.stop();

const rate = (bytes, seconds) => `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;
console.log(
  `\nfile distribution, ${sizeMiB} MiB, ${names.length} real tentacles on this machine (${require('node:os').cpus().length} cores)`,
);
console.log(`cat > /dev/null          ${catNull.seconds.toFixed(2)} s  ${rate(size, catNull.seconds)}`);
console.log(`cat > copy (+sync)       ${catCopy.seconds.toFixed(2)} s  ${rate(size, catCopy.seconds)}`);
console.log(`upload to brain          ${upload.seconds.toFixed(2)} s  ${rate(size, upload.seconds)}`);
console.log(
  `push to 1 tentacle       ${one.seconds.toFixed(2)} s  ${rate(size, one.seconds)}  (${((catCopy.seconds / one.seconds) * 100).toFixed(0)} % of cat > copy)`,
);
console.log(
  `push to ${String(names.length).padEnd(2)} tentacles     ${all.seconds.toFixed(2)} s  ${rate(size * names.length, all.seconds)} aggregate`,
);
console.log(
  `peak RSS: brain ${brainPeak.toFixed(0)} MB; tentacles max ${Math.max(...tentaclePeaks).toFixed(0)} MB`,
);
