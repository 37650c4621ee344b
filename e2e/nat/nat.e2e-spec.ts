import { spawnProcess, type SpawnedProcess } from '@octopod/testing';
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack';
import { natDown, natUnavailableReason, natUp, type NatNetwork } from './nat-harness';

const skipReason = natUnavailableReason();
if (skipReason) console.warn(`NAT e2e skipped: ${skipReason}`);

/** Outcome of one TCP connect: `connected`, or the error code (EHOSTUNREACH, ECONNREFUSED, timeout, ...). */
function tcpProbe(host: string, port: number, timeoutMs = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: string) => (socket.destroy(), resolve(outcome));
    socket.setTimeout(timeoutMs, () => done('timeout'));
    socket.once('connect', () => done('connected'));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

/** The same probe, run by a node process inside a network namespace. */
function tcpProbeFrom(netns: string, host: string, port: number): Promise<string> {
  const script = `const s=require('net').connect(${port},'${host}');s.setTimeout(3000,()=>{console.log('timeout');process.exit()});
s.on('connect',()=>{console.log('connected');process.exit()});s.on('error',e=>{console.log(e.code);process.exit()})`;
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', netns, process.execPath, '-e', script], (_error, stdout) =>
      resolve(stdout.trim()),
    );
  });
}

describe.skipIf(skipReason)('a tentacle behind NAT', () => {
  const prefix = `onat${process.pid}`;
  const nodeName = 'natted-1';
  const listenPort = 20_022;
  let nat: NatNetwork;
  let stack: Stack;
  let nodeListener: SpawnedProcess | undefined;

  beforeAll(async () => {
    natDown(prefix);
    nat = natUp(prefix);
    // Name server and tentacle gateway on the host's uplink address; the API stays on 127.0.0.1.
    stack = await startStack({ bindIp: nat.hostAddr });
  });

  afterAll(async () => {
    await nodeListener?.stop();
    await stack?.stop();
    natDown(prefix);
  });

  it('dials out through the router, comes online and reports its private address', async () => {
    const tentacle = await stack.startTentacle(nodeName, { netns: nat.nodeNs, nameServerHost: nat.hostAddr });
    await tentacle.ready();

    const node = await stack.waitForNode(nodeName, (n) => n.state === 'online' && n.connected);
    expect(node.name).toBe(nodeName);
    expect(node.addr.split(':')[0]).toBe(nat.nodeAddr);
  });

  it('cannot be reached from the host, though the router can reach it', async () => {
    nodeListener = spawnProcess('ip', [
      'netns',
      'exec',
      nat.nodeNs,
      process.execPath,
      '-e',
      `require('net').createServer((s)=>s.end()).listen(${listenPort},'${nat.nodeAddr}',()=>console.log('listening'))`,
    ]);
    await nodeListener.waitForLine('listening');

    // Control: the listener is up and reachable on the node's network.
    expect(await tcpProbeFrom(nat.routerNs, nat.nodeAddr, listenPort)).toBe('connected');
    // The host has no route into the NATed subnet.
    expect(await tcpProbe(nat.nodeAddr, listenPort)).not.toBe('connected');
  });
});
