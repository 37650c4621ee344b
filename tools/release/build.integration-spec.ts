import { readReleaseArchive, unpackRelease, verifyRelease } from '@octopod/release';
import { makeTempDir, makeTestPki, spawnProcess, waitFor, type SpawnedProcess } from '@octopod/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBrain } from '../../apps/tentacle/src/testing/fake-brain';

const TOOLS = resolve(__dirname);
const VERSION = '1.2.3';
const FILE = `octopod-tentacle_v${VERSION}_${process.platform}_${process.arch}.tar.gz`;

let temp: ReturnType<typeof makeTempDir>;
let built: ReturnType<typeof tool>;
const processes: SpawnedProcess[] = [];

function tool(script: string, args: string[]) {
  const result = spawnSync(process.execPath, [join(TOOLS, script), ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  temp = makeTempDir('release-tool-');
  expect(tool('keygen.mjs', ['--out', join(temp.path, 'keys')]).code).toBe(0);
  built = tool('build.mjs', [
    '--app',
    'tentacle',
    '--version',
    VERSION,
    '--key',
    join(temp.path, 'keys', 'release.key'),
    '--out',
    join(temp.path, 'out'),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  temp?.remove();
});

describe('keygen', () => {
  it('writes release.key (0600) and release.pub, and never overwrites them', () => {
    expect(statSync(join(temp.path, 'keys', 'release.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(temp.path, 'keys', 'release.pub'), 'utf8')).toMatch(
      /^-----BEGIN PUBLIC KEY-----/,
    );
    const again = tool('keygen.mjs', ['--out', join(temp.path, 'keys')]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/release\.key exists; not overwriting a release key/);
  });
});

describe('build', () => {
  it('prints the tarball, its signature and the sizes', () => {
    expect(built.stderr).toBe('');
    expect(built.code).toBe(0);
    expect(built.stdout).toContain(join(temp.path, 'out', FILE));
    expect(built.stdout).toMatch(/tentacle\.js [\d.]+ MiB \(entry\)/);
    expect(readdirSync(join(temp.path, 'out')).sort()).toEqual([FILE, `${FILE}.sig`]);
  });

  it('makes a release that verifies with the public key and holds manifest.json, tentacle.js and pakma.js', async () => {
    const bytes = readFileSync(join(temp.path, 'out', FILE));
    const signature = readFileSync(join(temp.path, 'out', `${FILE}.sig`), 'utf8');
    verifyRelease(bytes, signature, readFileSync(join(temp.path, 'keys', 'release.pub'), 'utf8'));
    expect([...(await readReleaseArchive(bytes)).keys()]).toEqual([
      'manifest.json',
      'pakma.js',
      'tentacle.js',
    ]);
    const manifest = await unpackRelease(bytes, join(temp.path, 'unpacked'), {
      app: 'tentacle',
      version: VERSION,
    });
    expect(manifest).toMatchObject({ os: process.platform, arch: process.arch, entry: 'tentacle.js' });
  });

  it('bundles programs that run alone and report the release version', () => {
    for (const program of ['tentacle.js', 'pakma.js']) {
      const run = spawnSync(process.execPath, [join(temp.path, 'unpacked', program), '--version'], {
        cwd: temp.path,
        encoding: 'utf8',
      });
      expect(run.stdout.trim()).toBe(VERSION);
    }
  });

  it('runs the bundled tentacle as a real agent: links up, says the release version in hello and the status file', async () => {
    const pki = makeTestPki(join(temp.path, 'pki'));
    const brain = await FakeBrain.fromFiles({ caPath: pki.caPath, ...pki.server('brain') });
    try {
      const client = pki.client('pi-release');
      const config = join(temp.path, 'tentacle.yaml');
      writeFileSync(
        config,
        stringify({
          name: 'pi-release',
          httpsNameServer: { enable: false },
          brain: { ip: '127.0.0.1', port: brain.port },
          logger: { path: join(temp.path, 'log') },
          workspace: { root: join(temp.path, 'ws'), store: join(temp.path, 'store') },
          ssl: { caCert: pki.caPath, clientCert: client.certPath, clientKey: client.keyPath },
        }),
      );
      const tentacle = spawnProcess(
        process.execPath,
        [join(temp.path, 'unpacked', 'tentacle.js'), '-c', config],
        {
          cwd: temp.path,
        },
      );
      processes.push(tentacle);
      const connection = await brain.nextConnection();
      expect((await connection.hello).version).toBe(VERSION);
      await tentacle.waitForLine('"msg":"ready"');
      const statusFile = join(temp.path, 'ws', '.octopod', 'link-status.json');
      // Written with `connected: false` at start, then again on the welcome: wait for the latter.
      const status = await waitFor(() => {
        const current = existsSync(statusFile) && JSON.parse(readFileSync(statusFile, 'utf8'));
        return current?.connected ? current : false;
      });
      expect(status).toMatchObject({ version: VERSION, connected: true, node: 'pi-release' });
      // Daily log files (libs/logfiles) work from the bundle too.
      expect(readdirSync(join(temp.path, 'log')).some((name) => name.startsWith('tentacle_'))).toBe(true);
      expect(await tentacle.stop()).toBe(0);
    } finally {
      await brain.close();
    }
  });

  it('never rebuilds a published version and has no unsigned mode', () => {
    const key = join(temp.path, 'keys', 'release.key');
    const out = join(temp.path, 'out');
    const again = tool('build.mjs', ['--app', 'tentacle', '--version', VERSION, '--key', key, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists: a published version is never rebuilt/);
    const unsigned = tool('build.mjs', [
      '--app',
      'tentacle',
      '--version',
      '1.2.4',
      '--out',
      out,
      '--unsigned',
    ]);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toMatch(/Unknown option '--unsigned'/);
    const badVersion = tool('build.mjs', [
      '--app',
      'tentacle',
      '--version',
      'v2',
      '--key',
      key,
      '--out',
      out,
    ]);
    expect(badVersion.stderr).toMatch(/--version "v2": must contain only digits and dots/);
    expect(tool('build.mjs', ['--help']).stdout).toMatch(
      /^usage: node tools\/release\/build\.mjs --app tentacle/,
    );
  });
});
