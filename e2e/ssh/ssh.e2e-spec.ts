// SSH to a node behind NAT through the brain, with a real OpenSSH server listening on loopback inside the node's
// own network namespace (so nothing but the tentacle's link can reach it): Octopod's path (octl ssh login →
// ssh → ProxyCommand octl ssh proxy → WebSocket → brain → the node's link → sshd) and Octopoda's (POST /ssh maps
// a brain port; plain ssh to it), plus Octopoda's `ssh ls` through the proxylite face.
import { spawnProcess, type SpawnedProcess } from '@octopod/testing';
import { execFileSync, execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTarget, goRequest } from '../support/go-http';
import { mainOf, startStack, type Stack } from '../support/stack';
import { natDown, natUnavailableReason, natUp, type NatNetwork } from '../nat/nat-harness';

const SSHD = '/usr/sbin/sshd';
const skipReason =
  natUnavailableReason() ?? (existsSync(SSHD) ? undefined : 'no OpenSSH server (apt install openssh-server)');
if (skipReason) console.warn(`ssh e2e skipped: ${skipReason}`);

const NODE = 'sshnode-1';
const SSHD_PORT = 2222;

/** Runs the system ssh; resolves with its exit status and output. */
function ssh(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('ssh', args, { timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    ),
  );
}

describe.skipIf(skipReason)('ssh to a node behind NAT, through the brain', () => {
  const prefix = `ossh${process.pid}`;
  let nat: NatNetwork;
  let stack: Stack;
  let sshd: SpawnedProcess;
  let dir: string;
  /** ssh options every client here uses: our key, a throw-away known_hosts, never a prompt. */
  let clientOptions: string[];

  beforeAll(async () => {
    natDown(prefix);
    nat = natUp(prefix);
    stack = await startStack({ bindIp: nat.hostAddr });
    dir = join(stack.dir, 'ssh');
    mkdirSync(dir, { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')]);
    execFileSync('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')]);
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `ListenAddress 127.0.0.1:${SSHD_PORT}`,
        `HostKey ${join(dir, 'host_key')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'UsePAM no',
        '',
      ].join('\n'),
    );
    sshd = spawnProcess('ip', ['netns', 'exec', nat.nodeNs, SSHD, '-D', '-e', '-f', config], {
      logFile: join(stack.dir, 'logs', 'sshd.log'),
    });
    await sshd.waitForLine('Server listening');
    const tentacle = await stack.startTentacle(NODE, {
      netns: nat.nodeNs,
      nameServerHost: nat.hostAddr,
      env: { TENTACLE_SSH_ADDRESS: `127.0.0.1:${SSHD_PORT}` },
    });
    await tentacle.ready();
    clientOptions = [
      '-n',
      '-i',
      join(dir, 'client_key'),
      '-o',
      `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
    ];
  }, 90_000);

  afterAll(async () => {
    await sshd?.stop();
    await stack?.stop();
    natDown(prefix);
  });

  it("the node's sshd is out of the host's reach", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: nat.nodeAddr, port: SSHD_PORT });
      socket.setTimeout(2_000, () => (socket.destroy(), resolve('timeout')));
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(outcome).not.toBe('connected');
  });

  it('runs a command on the node with octl ssh login (ssh through octl ssh proxy)', async () => {
    const set = await stack.octl(['ssh', 'set', NODE, '-u', 'root', '--no-password', '-o', 'json']);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ node: NODE, username: 'root', hasPassword: false });
    const run = await stack.octl(
      ['ssh', 'login', NODE, '--', ...clientOptions, 'ip -4 -o addr show; echo done'],
      {
        timeoutMs: 60_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    // The command ran inside the node's namespace: it sees the node's private address.
    expect(run.stdout).toContain(nat.nodeAddr);
    expect(run.stdout.trim().endsWith('done')).toBe(true);
    const ls = await stack.octl(['ssh', 'ls', '-o', 'json']);
    expect(JSON.parse(ls.stdout)).toEqual([expect.objectContaining({ node: NODE, username: 'root' })]);
  });

  it("serves the user's own ssh with octl ssh proxy as its ProxyCommand", async () => {
    const proxy = `node ${mainOf('octl')} -c ${join(stack.dir, 'octl.yaml')} ssh proxy %h`;
    const run = await ssh([...clientOptions, '-o', `ProxyCommand=${proxy}`, `root@${NODE}`, 'echo $((6*7))']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('42');
  });

  it("maps a brain port to the node's sshd as Octopoda's POST /ssh does, and lists it to Octopoda's ssh ls", async () => {
    const target = adminTarget(stack);
    const auth = { rootpath: '', currentpath: '', password: stack.rootPassword };
    await stack.octl(['ssh', 'del', NODE]);
    const form = `name=${NODE}&username=root&password=unused`;
    const posted = await goRequest(target, 'POST', '/api/v1/ssh', {
      auth,
      body: form,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(posted.status, posted.body).toBe(200);
    const { Code, Data } = posted.json() as { Code: number; Data: string };
    expect(Code).toBe(0);
    const [ip, port] = Data.split(':');
    const run = await ssh([...clientOptions, '-p', port, `root@${ip}`, 'ip -4 -o addr show']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(nat.nodeAddr);

    // Octopoda's octl ssh ls: the proxylite face's address from the name server, then its service list.
    const ns = await goRequest(
      { host: nat.hostAddr, port: stack.ports.nsHttp },
      'GET',
      '/query?name=brain.proxyliteFace',
    );
    const face = (ns.json() as { entry: { value: string } }).entry.value;
    const [faceHost, facePort] = face.split(':');
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const socket = connect(Number(facePort), faceHost, () =>
        socket.write(Buffer.concat([Buffer.from([4, 0, 0, 0, 13, 0, 0, 0]), Buffer.from('{"Prefix":""}')])),
      );
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('end', () => resolve(Buffer.concat(chunks)));
      socket.on('error', reject);
    });
    expect(reply.readUInt32LE(0)).toBe(5);
    const { Services } = JSON.parse(reply.subarray(8).toString()) as {
      Services: Array<{ Name: string; Port: number }>;
    };
    expect(Services).toEqual([expect.objectContaining({ Name: NODE, Port: Number(port) })]);
  });

  it('refuses clearly when the node has no login and no user is given', async () => {
    await stack.octl(['ssh', 'del', NODE]);
    const run = await stack.octl(['ssh', 'login', NODE]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/has no ssh login info.*-u <user>/);
  });
});
