import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports for test servers come from below the kernel's ephemeral range, so an outgoing connection (a tentacle
 * dialling, a database pool) can never be given the port a server is about to bind. Each vitest worker takes its
 * own slice of that space (VITEST_POOL_ID), so two workers never hand out the same port either; within a slice,
 * ports go round from a random start and each is test-bound before it is handed out.
 */
const SLICE = 600;
const FLOOR = 10_000;

function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const value = Number(low);
    return Number.isInteger(value) && value > FLOOR + SLICE ? value : 32_768;
  } catch {
    return 32_768;
  }
}

function sliceOf(): { start: number; size: number } {
  const top = ephemeralLow();
  const slices = Math.max(1, Math.floor((top - FLOOR) / SLICE));
  const pool = Number(process.env['VITEST_POOL_ID'] ?? process.pid);
  const index = (Number.isInteger(pool) ? pool : process.pid) % slices;
  return { start: FLOOR + index * SLICE, size: SLICE };
}

const slice = sliceOf();
let cursor = Math.floor(Math.random() * slice.size);

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port that is free right now on `host` and that no other test worker or outgoing socket will take. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < slice.size; tries += 1) {
    const port = slice.start + (cursor % slice.size);
    cursor += 1;
    if (await canBind(port, host)) return port;
  }
  throw new Error(`no free port in ${slice.start}-${slice.start + slice.size - 1} on ${host}`);
}

/** Several distinct free ports. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) ports.push(await freePort(host));
  return ports;
}

/** `count` consecutive ports, all free right now (a range a server maps ports from, e.g. ssh ports). */
export async function freePortRange(
  count: number,
  host = '127.0.0.1',
): Promise<{ min: number; max: number }> {
  for (let tries = 0; tries < slice.size; tries += 1) {
    const first = await freePort(host);
    const last = first + count - 1;
    if (last >= slice.start + slice.size) continue;
    let all = true;
    for (let port = first + 1; port <= last && all; port += 1) all = await canBind(port, host);
    if (all) {
      cursor += count;
      return { min: first, max: last };
    }
  }
  throw new Error(`no ${count} consecutive free ports in ${slice.start}-${slice.start + slice.size - 1}`);
}
