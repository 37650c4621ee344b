#!/usr/bin/env node
// SSH tunnel throughput and latency with real processes: a brain and a real tentacle on this machine, and a TCP
// server standing in for the node's sshd. Bytes go client → brain's mapped port → brain → the tentacle's link →
// tentacle → "sshd", and back; compared with the same transfers straight to the server. Prints MiB/s both ways,
// the median and p99 of 1-byte round trips, and peak RSS (VmHWM) of brain and tentacle.
//   node tools/bench/tunnel/bench.mjs [--size-mib 256] [--round-trips 2000]
import { createServer, connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { spawnBenchTentacle, startBenchBrain } from '../connect/stack.mjs';

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '256' },
    'round-trips': { type: 'string', default: '2000' },
  },
});
const sizeMiB = Number(values['size-mib']);
const roundTrips = Number(values['round-trips']);
const MiB = 1024 * 1024;
const log = (text) => console.error(text);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function peakRssMb(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** A test's header: its mode (`u` upload, `d` download, `e` echo) and a byte count. */
const header = (mode, bytes = 0) => {
  const buffer = Buffer.alloc(9);
  buffer.write(mode, 0);
  buffer.writeBigUInt64BE(BigInt(bytes), 1);
  return buffer;
};

/**
 * The stand-in sshd. Each connection starts with a header: `u` counts the bytes that follow and answers `ok` after
 * the count, `d` sends the count, `e` echoes.
 */
function standIn() {
  const server = createServer((socket) => {
    let head = Buffer.alloc(0);
    const onHead = (chunk) => {
      head = Buffer.concat([head, chunk]);
      if (head.length < 9) return;
      socket.off('data', onHead);
      const mode = String.fromCharCode(head[0]);
      const size = Number(head.readBigUInt64BE(1));
      const rest = head.subarray(9);
      if (mode === 'd') {
        const block = Buffer.alloc(MiB, 7);
        let sent = 0;
        const pump = () => {
          while (sent < size) {
            sent += MiB;
            if (!socket.write(block)) return void socket.once('drain', pump);
          }
          socket.end();
        };
        return pump();
      }
      if (mode === 'e') {
        if (rest.length) socket.write(rest);
        return socket.pipe(socket);
      }
      let got = rest.length;
      const count = (more) => {
        got += more;
        if (got >= size) socket.end('ok');
      };
      socket.on('data', (data) => count(data.length));
      count(0);
    };
    socket.on('data', onHead);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ server, port: server.address().port })),
  );
}

async function upload(port, size) {
  const t0 = performance.now();
  await new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(header('u', size));
      const block = Buffer.alloc(MiB, 3);
      let sent = 0;
      const pump = () => {
        while (sent < size) {
          sent += MiB;
          if (!socket.write(block)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('data', (d) => d.toString().includes('ok') && (socket.destroy(), ok()));
    socket.on('error', fail);
  });
  return size / MiB / ((performance.now() - t0) / 1000);
}

async function download(port, size) {
  const t0 = performance.now();
  let got = 0;
  await new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(header('d', size)));
    socket.on('data', (chunk) => (got += chunk.length));
    socket.on('end', ok);
    socket.on('error', fail);
  });
  if (got < size) throw new Error(`download got ${got} of ${size} bytes`);
  return size / MiB / ((performance.now() - t0) / 1000);
}

async function latency(port, count) {
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((ok) => socket.once('connect', ok));
  socket.write(header('e'));
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await new Promise((ok) => {
      socket.once('data', ok);
      socket.write('x');
    });
    times.push(performance.now() - t0);
  }
  socket.destroy();
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}

const size = sizeMiB * MiB;
log('starting the stand-in sshd');
const sshd = await standIn();
log('starting the brain');
// Octopoda's proxylite list on any free port; mapped ports from a range above the usual ones.
process.env.BRAIN_PROXYLITE_PORT = '0';
process.env.BRAIN_SSH_MIN_PORT = process.env.BENCH_SSH_MIN_PORT ?? '41000';
process.env.BRAIN_SSH_MAX_PORT = String(Number(process.env.BRAIN_SSH_MIN_PORT) + 10);
const brain = await startBenchBrain();
process.env.TENTACLE_SSH_ADDRESS = `127.0.0.1:${sshd.port}`;
log('starting the tentacle');
const tentacle = spawnBenchTentacle(brain, 'tun-1');
try {
  while ((await brain.onlineCount()) < 1) await sleep(200);
  const login = await brain.api('/api/v2/nodes/tun-1/ssh', { method: 'PUT', body: { username: 'bench' } });
  const mapped = login.port;
  log(`tunnel: brain port ${mapped} → tentacle → 127.0.0.1:${sshd.port}; ${sizeMiB} MiB each way`);
  const rows = [];
  for (const [label, port] of [
    ['direct', sshd.port],
    ['tunnel', mapped],
  ]) {
    await upload(port, 8 * MiB); // warm up
    rows.push({
      path: label,
      'upload MiB/s': (await upload(port, size)).toFixed(1),
      'download MiB/s': (await download(port, size)).toFixed(1),
      ...Object.fromEntries(
        Object.entries(await latency(port, roundTrips)).map(([k, v]) => [`rtt ${k} ms`, v.toFixed(3)]),
      ),
    });
  }
  console.table(rows);
  console.log(
    `peak RSS: brain ${peakRssMb(brain.pid).toFixed(0)} MB, tentacle ${peakRssMb(tentacle.pid).toFixed(0)} MB`,
  );
} finally {
  tentacle.kill('SIGTERM');
  await brain.stop();
  sshd.server.close();
}
