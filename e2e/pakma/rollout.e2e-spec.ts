// Online upgrades on real processes: signed releases built by tools/release and served by the name server; on each
// node a pakma that installs them side by side and restarts a real tentacle from `current`; rollouts driven by the
// brain. A good release is confirmed everywhere; a release whose tentacle never connects is rolled back on the
// canary and the later waves never start.
import {
  generateReleaseKeys,
  packRelease,
  releaseFileName,
  signRelease,
  signatureFileName,
} from '@octopod/release';
import { freePorts, makeTempDir, spawnProcess, waitFor, type SpawnedProcess } from '@octopod/testing';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { adminTarget, goRequest } from '../support/go-http';
import { mainOf, REPO_ROOT, startStack, type Stack } from '../support/stack';

const NODES = ['upg-1', 'upg-2', 'upg-3'];

interface Rollout {
  state: string;
  error: string | null;
  waves: Array<{ state: string; nodes: Array<{ node: string; state: string; detail?: string }> }>;
}

/** A node: its pakma (a real process) and the tentacle that pakma starts and restarts. */
interface UpgradeNode {
  name: string;
  pakmaPort: number;
  pakma: SpawnedProcess;
  pidFile: string;
}

/** POST to a pakma's own HTTP API (as `octl pakma install` would through the brain; the tentacle is not up yet). */
function pakmaPost(port: number, path: string, form: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

describe('upgrades with pakma: signed releases, rollouts in waves, rollback', () => {
  let stack: Stack;
  let releases: string;
  let releasesDir: ReturnType<typeof makeTempDir> | undefined;
  const nodes: UpgradeNode[] = [];

  const rolloutOf = async (id: string) => (await stack.api<Rollout>(`/api/v2/rollouts/${id}`)).body;
  const rollout = async (version: string) => {
    const started = await stack.api<{ id: string }>('/api/v2/rollouts', {
      method: 'POST',
      body: { version, targets: NODES, waves: '1,1,rest', pollSeconds: 0.5, waveTimeoutSeconds: 90 },
    });
    expect(started.status).toBe(201);
    await waitFor(async () => (await rolloutOf(started.body.id)).state !== 'running', {
      timeoutMs: 150_000,
      intervalMs: 500,
      what: `rollout of ${version}`,
    });
    return rolloutOf(started.body.id);
  };
  const versions = async () =>
    Promise.all(
      NODES.map(async (name) => (await stack.api<{ version: string }>(`/api/v2/nodes/${name}`)).body.version),
    );

  beforeAll(async () => {
    releasesDir = makeTempDir('octopod-releases-');
    releases = releasesDir.path;
    stack = await startStack({ releaseDir: releases });
    const keys = generateReleaseKeys();
    const keyDir = join(stack.dir, 'release-keys');
    mkdirSync(keyDir, { recursive: true });
    writeFileSync(join(keyDir, 'release.key'), keys.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(keyDir, 'release.pub'), keys.publicKeyPem);
    // Two good releases, built and signed as a release manager would.
    for (const version of ['1.0.0', '2.0.0']) {
      execFileSync(
        process.execPath,
        [
          join(REPO_ROOT, 'tools/release/build.mjs'),
          '--app',
          'tentacle',
          '--version',
          version,
          '--key',
          join(keyDir, 'release.key'),
          '--out',
          releases,
        ],
        { stdio: 'pipe', timeout: 180_000 },
      );
    }
    // A signed release whose tentacle never connects (it starts, then only waits).
    const broken = await packRelease({
      files: [
        {
          path: 'tentacle.js',
          data: Buffer.from('console.log("tentacle 6.6.6: never connects");\nsetInterval(() => {}, 1000);\n'),
        },
        { path: 'pakma.js', data: readFileSync(mainOf('pakma')) },
      ],
      manifest: {
        app: 'tentacle',
        version: '6.6.6',
        os: process.platform,
        arch: process.arch,
        entry: 'tentacle.js',
      },
    });
    const brokenName = releaseFileName('tentacle', '6.6.6', process.platform, process.arch);
    writeFileSync(join(releases, brokenName), broken.bytes);
    writeFileSync(
      join(releases, signatureFileName(brokenName)),
      `${signRelease(broken.bytes, keys.privateKeyPem)}\n`,
    );

    const ports = await freePorts(NODES.length);
    for (const [i, name] of NODES.entries()) {
      const home = join(stack.dir, 'upgrade', name);
      const stateDir = join(home, 'state');
      mkdirSync(stateDir, { recursive: true });
      const cert = stack.pki.client(name);
      const tentacleYaml = join(home, 'tentacle.yaml');
      writeFileSync(
        tentacleYaml,
        toYaml({
          name,
          httpsNameServer: {
            enable: true,
            host: stack.bindIp,
            port: stack.ports.nsHttps,
            httpPort: stack.ports.nsHttp,
          },
          heartbeat: { reconnectInterval: 0.2, reconnectMax: 2 },
          logger: { path: '', level: 'info' },
          workspace: { root: join(home, 'workspace'), store: join(home, 'fstore') },
          state: { dir: stateDir },
          pakma: { root: join(home, 'pakma'), port: ports[i] },
          ssl: { caCert: stack.pki.caPath, clientCert: cert.certPath, clientKey: cert.keyPath },
        }),
      );
      // What systemd's restart does for a real install: stop the running tentacle, start the one `current` points at.
      const pidFile = join(home, 'tentacle.pid');
      const restart = join(home, 'restart-tentacle.sh');
      writeFileSync(
        restart,
        [
          '#!/bin/bash',
          `if [[ -f ${pidFile} ]]; then kill "$(cat ${pidFile})" 2>/dev/null; sleep 0.3; fi`,
          `setsid nohup node ${join(home, 'releases', 'current', 'tentacle.js')} -c ${tentacleYaml} >>${join(stack.dir, 'logs', `${name}.log`)} 2>&1 </dev/null &`,
          `echo $! >${pidFile}`,
          '',
        ].join('\n'),
      );
      const pakmaYaml = join(home, 'pakma.yaml');
      writeFileSync(
        pakmaYaml,
        toYaml({
          app: 'tentacle',
          port: ports[i],
          root: join(home, 'pakma'),
          installRoot: join(home, 'releases'),
          previewDuration: 15,
          healthySeconds: 2,
          restartDelay: 0.2,
          releaseKey: join(keyDir, 'release.pub'),
          nameServer: { host: stack.bindIp, port: stack.ports.nsHttps },
          tls: { ca: stack.pki.caPath, cert: cert.certPath, key: cert.keyPath },
          restart: ['bash', restart],
          statusFile: join(stateDir, 'link-status.json'),
        }),
      );
      const pakma = spawnProcess('node', [mainOf('pakma'), '-c', pakmaYaml], {
        logFile: join(stack.dir, 'logs', `${name}-pakma.log`),
      });
      await pakma.waitForLine('"msg":"ready"');
      nodes.push({ name, pakmaPort: ports[i], pakma, pidFile });
    }
    // First install, straight on each pakma: it downloads 1.0.0, checks it, and starts the tentacle.
    for (const node of nodes)
      expect((await pakmaPost(node.pakmaPort, '/install', 'version=1.0.0')).status).toBe(200);
    for (const name of NODES)
      await stack.waitForNode(name, (n) => n.state === 'online' && n.version === '1.0.0', 60_000);
  }, 400_000);

  afterAll(async () => {
    for (const node of nodes) {
      await node.pakma.stop();
      if (existsSync(node.pidFile)) {
        try {
          process.kill(Number(readFileSync(node.pidFile, 'utf8')));
        } catch {
          // gone already
        }
      }
    }
    await stack?.stop();
    releasesDir?.remove();
  });

  it('brings every node to a good release, wave by wave, each confirmed by its pakma', async () => {
    const done = await rollout('2.0.0');
    expect(done.state, done.error ?? '').toBe('succeeded');
    expect(done.waves.map((w) => w.nodes.map((n) => `${n.node}:${n.state}`))).toEqual([
      ['upg-1:confirmed'],
      ['upg-2:confirmed'],
      ['upg-3:confirmed'],
    ]);
    expect(await versions()).toEqual(['2.0.0', '2.0.0', '2.0.0']);
    const state = await stack.api<{ results: Array<{ node: string; answer: Record<string, unknown> }> }>(
      '/api/v2/pakma',
      {
        method: 'POST',
        body: { command: 'state', targets: NODES },
      },
    );
    expect(state.body.results.map((r) => [r.node, r.answer.curr_version, r.answer.last_version])).toEqual([
      ['upg-1', '2.0.0', '1.0.0'],
      ['upg-2', '2.0.0', '1.0.0'],
      ['upg-3', '2.0.0', '1.0.0'],
    ]);
  });

  it('rolls the canary back from a release that never connects, and starts no later wave', async () => {
    const done = await rollout('6.6.6');
    expect(done.state).toBe('failed');
    expect(done.error).toMatch(
      /^wave 1 failed \(upg-1: rolled back: still runs 2\.0\.0\); later waves not started$/,
    );
    expect(done.waves.map((w) => w.state)).toEqual(['failed', 'skipped', 'skipped']);
    // The canary is back on 2.0.0 and online; the others were never touched.
    await stack.waitForNode('upg-1', (n) => n.state === 'online' && n.version === '2.0.0', 60_000);
    expect(await versions()).toEqual(['2.0.0', '2.0.0', '2.0.0']);
    const history = await stack.octl(['pakma', 'history', 'upg-2', '-l20', '-o', 'json']);
    expect(history.stdout).not.toContain('6.6.6');
    // Without -l, history still has entries (Octopoda's octl sent limit 0 and got none): the canary's tell the story.
    const canary = await stack.octl(['pakma', 'history', 'upg-1', '-o', 'json']);
    expect(canary.code, canary.stderr).toBe(0);
    const [{ answer }] = JSON.parse(canary.stdout) as Array<{ answer: { history: string[] } }>;
    expect(answer.history.length).toBeGreaterThan(0);
    expect(answer.history.join('\n')).toContain('6.6.6');
  });

  it("answers Octopoda's POST /pakma with each node's raw pakma JSON", async () => {
    const auth = { rootpath: '', currentpath: '', password: stack.rootPassword };
    const res = await goRequest(adminTarget(stack), 'POST', '/api/v1/pakma', {
      auth,
      body: `command=state&targetNodes=${encodeURIComponent(JSON.stringify(['upg-2']))}`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(res.status, res.body).toBe(200);
    const [result] = res.json() as Array<{ Name: string; Code: number; Result: string }>;
    expect([result.Name, result.Code]).toEqual(['upg-2', 0]);
    expect(JSON.parse(result.Result)).toMatchObject({
      state_type: 2,
      curr_version: '2.0.0',
      last_version: '1.0.0',
    });
  });
});
