import { describeCertificate } from '@octopod/pki';
import { spawnProcess, type SpawnedProcess } from '@octopod/testing';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { natDown, natUnavailableReason, natUp, type NatNetwork } from '../nat/nat-harness';
import { REPO_ROOT, startStack, type Stack } from '../support/stack';

const skipReason = natUnavailableReason();
if (skipReason) console.warn(`enrolment e2e skipped: ${skipReason}`);

const TENTACLE = join(REPO_ROOT, 'apps/tentacle/dist/main.js');
/** Our apps' variables must not leak from the developer's shell into the tentacle. */
const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => /^(BRAIN_|NAMESERVER_|TENTACLE_|OCTL_)/.test(key))
      .map((key) => [key, undefined]),
  );

/** The words of the `tentacle join …` line octl printed, without the leading `tentacle`. */
function joinArgs(line: string): string[] {
  const words = line.trim().split(/\s+/);
  expect(words.slice(0, 2)).toEqual(['tentacle', 'join']);
  return words.slice(1);
}

describe.skipIf(skipReason)('enrolment of a fresh tentacle behind NAT, and its revocation', () => {
  const prefix = `oenr${process.pid}`;
  const name = 'fresh-1';
  let nat: NatNetwork;
  let stack: Stack;
  let home: string;
  let configPath: string;
  let joinLine: string;
  let token: string;
  let tentacle: SpawnedProcess | undefined;

  /** Runs the built tentacle inside the node's namespace, the way a person on that machine would. */
  const runTentacle = (args: string[], log: string) =>
    spawnProcess('ip', ['netns', 'exec', nat.nodeNs, process.execPath, TENTACLE, ...args], {
      cwd: home,
      env: cleanEnv(),
      logFile: join(stack.dir, 'logs', log),
    });

  beforeAll(async () => {
    natDown(prefix);
    nat = natUp(prefix);
    // Name server, gateway and API all reachable from the node's namespace on the host's uplink address.
    stack = await startStack({
      bindIp: nat.hostAddr,
      brainConfig: { octlFace: { ip: '0.0.0.0', advertiseIp: nat.hostAddr } },
    });
    home = join(stack.dir, 'fresh');
    mkdirSync(home, { recursive: true });
    // A fresh node: its config names it and says where its identity will live; no certificate exists yet.
    configPath = join(home, 'tentacle.yaml');
    writeFileSync(
      configPath,
      toYaml({
        name,
        httpsNameServer: {
          enable: true,
          host: nat.hostAddr,
          port: stack.ports.nsHttps,
          httpPort: stack.ports.nsHttp,
        },
        heartbeat: { reconnectInterval: 0.2, reconnectMax: 2 },
        logger: { path: '', level: 'info' },
        workspace: { root: join(home, 'workspace'), store: join(home, 'fstore') },
        ssl: {
          caCert: join(home, 'pki/ca.pem'),
          clientCert: join(home, 'pki/fresh-1.pem'),
          clientKey: join(home, 'pki/private/fresh-1.key'),
        },
      }),
    );
  });

  afterAll(async () => {
    await tentacle?.stop();
    await stack?.stop();
    natDown(prefix);
  });

  it('octl node token create prints a single-use token and a ready-to-paste join line', async () => {
    const created = await stack.octl([
      'node',
      'token',
      'create',
      '--ttl',
      '10m',
      '--name',
      name,
      '-o',
      'json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const body = JSON.parse(created.stdout) as {
      token: string;
      join: string;
      name: string;
      caFingerprint: string;
    };
    expect(body.name).toBe(name);
    expect(body.caFingerprint).toBe(describeCertificate(readFileSync(stack.pki.caPath)).fingerprint);
    expect(body.join).toContain(`--nameserver ${nat.hostAddr}:${stack.ports.nsHttps}`);
    ({ token, join: joinLine } = body);
    const listed = await stack.octl(['node', 'token', 'ls', '-o', 'json']);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name })]);
    expect(listed.stdout).not.toContain(token);
  });

  it('tentacle join enrols the node from its own namespace, stores its identity, and it comes online', async () => {
    tentacle = runTentacle([...joinArgs(joinLine), '-c', configPath], `${name}.log`);
    const enrolled = await tentacle.waitForLine('tentacle join: enrolled as fresh-1', 30_000);
    expect(enrolled).toContain(`with the brain at ${nat.hostAddr}:${stack.ports.api}`);
    await tentacle.waitForLine('"msg":"ready"', 30_000);

    const node = await stack.waitForNode(name, (n) => n.state === 'online' && n.connected);
    expect(node.addr.split(':')[0]).toBe(nat.nodeAddr);
    const cert = readFileSync(join(home, 'pki/fresh-1.pem'));
    expect(describeCertificate(cert)).toMatchObject({ commonName: name, role: 'node' });
    expect(statSync(join(home, 'pki/private/fresh-1.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(home, 'pki/ca.pem'), 'utf8')).toBe(readFileSync(stack.pki.caPath, 'utf8'));
  });

  it('refuses the same token a second time, with a clear message, and changes nothing', async () => {
    const serial = () => describeCertificate(readFileSync(join(home, 'pki/fresh-1.pem'))).serial;
    const before = serial();
    const again = runTentacle(
      ['join', '--token', token, '--force', '--no-start', '-c', configPath],
      'rejoin.log',
    );
    expect(await again.exited).toBe(1);
    expect(again.output()).toMatch(
      /tentacle join: the brain refused the enrolment \(409 join_token_used\): join token \w+ was already used by node "fresh-1"/,
    );
    expect(serial()).toBe(before);
    expect((await stack.waitForNode(name, () => true)).connected).toBe(true);
  });

  it('octl node revoke closes the live connection at once; the tentacle stops and cannot come back', async () => {
    const before = describeCertificate(readFileSync(join(home, 'pki/fresh-1.pem'))).serial;
    const revoked = await stack.octl(['node', 'revoke', name, '-o', 'json']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ node: name, disconnected: 1 });

    // The running tentacle is told at once (close 4401), says so and exits 3 instead of retrying.
    expect(await tentacle?.exited).toBe(3);
    expect(tentacle?.output()).toContain("the brain revoked this node's certificate; not reconnecting");
    await stack.waitForNode(name, (n) => !n.connected);

    // Started again with the same certificate, it is refused at the upgrade and gives up.
    const restarted = runTentacle(['-c', configPath], `${name}-restart.log`);
    expect(await restarted.exited).toBe(3);
    expect(restarted.output()).toMatch(/node \\?"fresh-1\\?" was revoked/);
    expect((await stack.waitForNode(name, () => true)).connected).toBe(false);
    expect(describeCertificate(readFileSync(join(home, 'pki/fresh-1.pem'))).serial).toBe(before);
  });
});
