import { makeTempDir, makeTestPki } from '@octopod/testing';
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { basename, join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';

const REPO = resolve(__dirname, '../../..');
const SCRIPT = join(REPO, 'deploy/install-tentacle.sh');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runInstaller(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done) => {
    execFile('bash', [SCRIPT, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

function execTar(args: string[]): Promise<void> {
  return new Promise((done, fail) => execFile('tar', args, (error) => (error ? fail(error) : done())));
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

interface FakeRelease {
  tarball: string;
  version: string;
}

/**
 * A tentacle release as tools/release makes it: files at the root of a gzip'd tar, manifest.json listing every
 * other file with its sha256, and `<tarball>.sig` = base64 of the Ed25519 signature over the tarball's bytes.
 */
async function makeRelease(
  dir: string,
  version: string,
  privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
  change: { manifest?: (m: Record<string, unknown>) => void; extraFile?: string; tentacleJs?: string } = {},
): Promise<FakeRelease> {
  const staging = join(dir, `staging-${version}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(staging, { recursive: true });
  const files: Record<string, string> = {
    'tentacle.js': change.tentacleJs ?? `console.log('tentacle ${version}');\n`,
    'pakma.js': `console.log('pakma ${version}');\n`,
  };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(staging, path), content);
  const manifest: Record<string, unknown> = {
    app: 'tentacle',
    version,
    os: process.platform,
    arch: process.arch,
    createdAt: '2026-11-24T00:00:00.000Z',
    entry: 'tentacle.js',
    files: Object.fromEntries(Object.entries(files).map(([path, content]) => [path, sha256(content)])),
  };
  change.manifest?.(manifest);
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (change.extraFile) writeFileSync(join(staging, change.extraFile), 'not listed\n');
  const names = readdirSync(staging).sort((a, b) =>
    a === 'manifest.json' ? -1 : b === 'manifest.json' ? 1 : 0,
  );
  const tarball = join(dir, `octopod-tentacle_v${version}_${process.platform}_${process.arch}.tar.gz`);
  await execTar(['-czf', tarball, '-C', staging, ...names]);
  writeFileSync(`${tarball}.sig`, `${sign(null, readFileSync(tarball), privateKey).toString('base64')}\n`);
  return { tarball, version };
}

/** Every file and link under `dir` with its bytes (or link target), to compare two runs. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stats = lstatSync(full);
      const key = relative(dir, full);
      if (stats.isSymbolicLink()) out[key] = `-> ${readlinkSync(full)}`;
      else if (stats.isDirectory()) walk(full);
      else out[key] = `${(stats.mode & 0o777).toString(8)} ${sha256(readFileSync(full))}`;
    }
  };
  walk(dir);
  return out;
}

// Each case runs the installer a few times, and each run starts node several times: slow on a loaded machine.
describe('deploy/install-tentacle.sh', { timeout: 90_000 }, () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let root: string;
  let certs: string;
  let keyFile: string;
  let privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'];

  beforeEach(() => {
    tmp = makeTempDir('install-tentacle-');
    root = join(tmp.path, 'root');
    certs = join(tmp.path, 'certs');
    mkdirSync(root);
    mkdirSync(certs);
    const pki = makeTestPki(certs);
    pki.client('pi-7');
    const keys = generateKeyPairSync('ed25519');
    privateKey = keys.privateKey;
    keyFile = join(tmp.path, 'release.pub');
    writeFileSync(keyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  afterEach(() => tmp.remove());

  const baseArgs = (release: FakeRelease, extra: string[] = []) => [
    '--release',
    release.tarball,
    '--release-key',
    keyFile,
    '--name',
    'pi-7',
    '--certs',
    certs,
    '--nameserver',
    '10.0.0.1:3455',
    '--root',
    root,
    '--no-start',
    ...extra,
  ];
  const at = (path: string) => join(root, path);
  const yamlAt = (path: string) => YAML.parse(readFileSync(at(path), 'utf8'));

  it('lays out the release, configs, certificates, units and a STABLE pakma state', async () => {
    const release = await makeRelease(tmp.path, '1.2.3', privateKey);
    const run = await runInstaller(baseArgs(release, ['--brain', '10.0.0.2:3457']));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('signature verified');

    expect(readFileSync(at('opt/octopod/tentacle/1.2.3/tentacle.js'), 'utf8')).toBe(
      "console.log('tentacle 1.2.3');\n",
    );
    expect(JSON.parse(readFileSync(at('opt/octopod/tentacle/1.2.3/manifest.json'), 'utf8')).version).toBe(
      '1.2.3',
    );
    expect(readlinkSync(at('opt/octopod/tentacle/current'))).toBe('1.2.3');
    expect(readFileSync(at('opt/octopod/pakma/pakma.js'), 'utf8')).toBe("console.log('pakma 1.2.3');\n");
    expect(readFileSync(at('etc/octopod/release.pub'), 'utf8')).toBe(readFileSync(keyFile, 'utf8'));

    expect(yamlAt('etc/octopod/tentacle.yaml')).toEqual({
      name: 'pi-7',
      httpsNameServer: { enable: true, host: '10.0.0.1', port: 3455 },
      brain: { name: 'brain', ip: '10.0.0.2', port: 3457 },
      logger: { path: '/var/log/octopod', namePrefix: 'tentacle', level: 'info' },
      workspace: { root: '/var/lib/octopod/tentacle/workspace', store: '/var/lib/octopod/tentacle/FSTORE' },
      state: { dir: '/var/lib/octopod/tentacle/state' },
      pakma: { root: '/var/lib/octopod/pakma' },
      ssl: {
        caCert: '/etc/octopod/pki/ca.pem',
        clientCert: '/etc/octopod/pki/pi-7.pem',
        clientKey: '/etc/octopod/pki/pi-7.key',
      },
    });
    // What apps/pakma's config schema reads.
    expect(yamlAt('etc/octopod/pakma.yaml')).toEqual({
      app: 'tentacle',
      ip: '127.0.0.1',
      port: 3450,
      root: '/var/lib/octopod/pakma',
      installRoot: '/opt/octopod/tentacle',
      previewDuration: 600,
      statusFile: '/var/lib/octopod/tentacle/state/link-status.json',
      releaseKey: '/etc/octopod/release.pub',
      logger: { path: '/var/log/octopod', namePrefix: 'pakma' },
      nameServer: { host: '10.0.0.1', port: 3455 },
      tls: {
        ca: '/etc/octopod/pki/ca.pem',
        cert: '/etc/octopod/pki/pi-7.pem',
        key: '/etc/octopod/pki/pi-7.key',
      },
    });
    expect(JSON.parse(readFileSync(at('var/lib/octopod/pakma/pakma.json'), 'utf8'))).toEqual({
      StateType: 2,
      Version1: '',
      Version2: '1.2.3',
      Version3: '',
    });

    expect(readFileSync(at('etc/octopod/pki/pi-7.pem'), 'utf8')).toBe(
      readFileSync(join(certs, 'pi-7.pem'), 'utf8'),
    );
    expect(statSync(at('etc/octopod/pki/pi-7.key')).mode & 0o777).toBe(0o600);
    const unit = readFileSync(at('etc/systemd/system/octopod-tentacle.service'), 'utf8');
    expect(unit).toMatch(
      /^ExecStart=\S*node \/opt\/octopod\/tentacle\/current\/tentacle\.js -c \/etc\/octopod\/tentacle\.yaml$/m,
    );
    expect(existsSync(at('etc/systemd/system/octopod-pakma.service'))).toBe(true);
  });

  it('changes nothing when run again, and keeps the replaced version for a downgrade on an upgrade', async () => {
    const first = await makeRelease(tmp.path, '1.2.3', privateKey);
    expect((await runInstaller(baseArgs(first))).code).toBe(0);
    const before = snapshot(root);
    const again = await runInstaller(baseArgs(first));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    expect(snapshot(root)).toEqual(before);

    const next = await makeRelease(tmp.path, '1.3.0', privateKey);
    const upgrade = await runInstaller(baseArgs(next, ['--brain', '10.0.0.2:3457']));
    expect(upgrade.code).toBe(0);
    expect(readlinkSync(at('opt/octopod/tentacle/current'))).toBe('1.3.0');
    expect(existsSync(at('opt/octopod/tentacle/1.2.3/tentacle.js'))).toBe(true);
    expect(JSON.parse(readFileSync(at('var/lib/octopod/pakma/pakma.json'), 'utf8'))).toEqual({
      StateType: 2,
      Version1: '1.2.3',
      Version2: '1.3.0',
      Version3: '',
    });
    // The config changed (--brain): the previous one is kept.
    expect(yamlAt('etc/octopod/tentacle.yaml').brain).toEqual({ name: 'brain', ip: '10.0.0.2', port: 3457 });
    expect(YAML.parse(readFileSync(at('etc/octopod/tentacle.yaml.bak'), 'utf8')).brain).toEqual({
      name: 'brain',
    });
  });

  describe.each(['openssl', 'node'])('with the %s verifier', (verifier) => {
    const env = { INSTALL_TENTACLE_VERIFIER: verifier };

    it('installs a release signed with the key', async () => {
      const release = await makeRelease(tmp.path, '2.0.1', privateKey);
      const run = await runInstaller(baseArgs(release), env);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`signature verified (${verifier}`);
    });

    it('refuses a tarball changed after signing, and installs nothing', async () => {
      const release = await makeRelease(tmp.path, '2.0.1', privateKey);
      const bytes = readFileSync(release.tarball);
      bytes[bytes.length - 10] ^= 0xff;
      writeFileSync(release.tarball, bytes);
      const run = await runInstaller(baseArgs(release), env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/signature of .* does not verify/);
      expect(readdirSync(root)).toEqual([]);
    });

    it('refuses a release signed with another key', async () => {
      const other = generateKeyPairSync('ed25519').privateKey;
      const release = await makeRelease(tmp.path, '2.0.1', other);
      const run = await runInstaller(baseArgs(release), env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/does not verify with/);
      expect(readdirSync(root)).toEqual([]);
    });
  });

  it('downloads the release and its signature from an https:// URL, and says which download failed', async () => {
    const release = await makeRelease(tmp.path, '2.1.0', privateKey);
    const file = basename(release.tarball);
    const web = makeTestPki(join(tmp.path, 'web-pki'), 'Web CA');
    const { certPath, keyPath } = web.server('releases.test');
    const fetched: string[] = [];
    const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
      fetched.push(req.url ?? '');
      const served = join(tmp.path, basename(req.url ?? ''));
      if (req.url?.startsWith('/release/') && existsSync(served)) res.end(readFileSync(served));
      else res.writeHead(404).end();
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/release/${file}`;
      const args = baseArgs(release);
      args[args.indexOf('--release') + 1] = url;
      // curl trusts the web server's CA through CURL_CA_BUNDLE, as it would trust a public one by default.
      const run = await runInstaller(args, { CURL_CA_BUNDLE: web.caPath });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`downloading ${url}`);
      expect(fetched).toEqual([`/release/${file}`, `/release/${file}.sig`]);
      expect(readlinkSync(at('opt/octopod/tentacle/current'))).toBe('2.1.0');

      rmSync(`${release.tarball}.sig`);
      rmSync(root, { recursive: true });
      mkdirSync(root);
      const unsigned = await runInstaller(args, { CURL_CA_BUNDLE: web.caPath });
      expect(unsigned.code).toBe(1);
      expect(unsigned.stderr).toContain(`could not download the signature ${url}.sig`);
      expect(readdirSync(root)).toEqual([]);

      // A server the machine does not trust is refused before anything is installed.
      const untrusted = await runInstaller(args, { CURL_CA_BUNDLE: join(certs, 'ca.pem') });
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toContain(`could not download ${url}`);
      expect(readdirSync(root)).toEqual([]);
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it('refuses a signed release whose files do not match its manifest', async () => {
    const wrongHash = await makeRelease(tmp.path, '3.0.0', privateKey, {
      manifest: (m) => ((m.files as Record<string, string>)['pakma.js'] = sha256('something else')),
    });
    const hashRun = await runInstaller(baseArgs(wrongHash));
    expect(hashRun.code).toBe(1);
    expect(hashRun.stderr).toContain('pakma.js does not match its sha256 in manifest.json');

    const unlisted = await makeRelease(tmp.path, '3.0.1', privateKey, { extraFile: 'extra.sh' });
    const extraRun = await runInstaller(baseArgs(unlisted));
    expect(extraRun.code).toBe(1);
    expect(extraRun.stderr).toContain('files manifest.json does not list: extra.sh');
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a missing signature, a key that is not Ed25519, and a certificate for another node', async () => {
    const release = await makeRelease(tmp.path, '1.0.0', privateKey);
    writeFileSync(`${release.tarball}.sig`, '');
    const unsigned = await runInstaller(baseArgs(release));
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain('does not hold an Ed25519 signature');

    const signed = await makeRelease(tmp.path, '1.0.1', privateKey);
    const rsa = join(tmp.path, 'rsa.pub');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }),
    );
    const args = baseArgs(signed);
    args[args.indexOf('--release-key') + 1] = rsa;
    const rsaRun = await runInstaller(args);
    expect(rsaRun.code).toBe(1);
    expect(rsaRun.stderr).toContain('releases are signed with Ed25519');

    const wrongName = baseArgs(signed);
    wrongName[wrongName.indexOf('--name') + 1] = 'pi-8';
    writeFileSync(join(certs, 'cert.pem'), readFileSync(join(certs, 'pi-7.pem')));
    writeFileSync(join(certs, 'key.pem'), readFileSync(join(certs, 'pi-7.key')));
    const nameRun = await runInstaller(wrongName);
    expect(nameRun.code).toBe(1);
    expect(nameRun.stderr).toContain('is for "pi-7", not "pi-8"');
  });

  it('enrols with a join token through `tentacle join`, once', async () => {
    const log = join(tmp.path, 'join.json');
    // Stands in for the bundled tentacle: records how it was run and writes the files join would write.
    const tentacleJs = `
      const fs = require('node:fs');
      const path = require('node:path');
      const argv = process.argv.slice(2);
      const token = fs.readFileSync(argv[argv.indexOf('--token-file') + 1], 'utf8');
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('TENTACLE_')));
      fs.writeFileSync(process.env.FAKE_JOIN_LOG, JSON.stringify({ argv, token, env }));
      for (const v of ['TENTACLE_CA_CERT', 'TENTACLE_CLIENT_CERT', 'TENTACLE_CLIENT_KEY']) {
        fs.mkdirSync(path.dirname(process.env[v]), { recursive: true });
        fs.writeFileSync(process.env[v], v);
      }
    `;
    const release = await makeRelease(tmp.path, '1.0.0', privateKey, { tentacleJs });
    const args = baseArgs(release);
    args.splice(args.indexOf('--certs'), 2, '--token', 'octopod-join1.abc.def.123');
    args.splice(args.indexOf('--nameserver'), 2, '--brain', '10.0.0.2:3457');
    const env = { FAKE_JOIN_LOG: log };
    const run = await runInstaller(args, env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(log, 'utf8'))).toEqual({
      argv: [
        'join',
        '--token-file',
        expect.any(String),
        '-c',
        at('etc/octopod/tentacle.yaml'),
        '--no-start',
        '--brain',
        'brain',
        '--brain-addr',
        '10.0.0.2:12345',
      ],
      token: 'octopod-join1.abc.def.123\n',
      env: {
        TENTACLE_NAME: 'pi-7',
        TENTACLE_CA_CERT: at('etc/octopod/pki/ca.pem'),
        TENTACLE_CLIENT_CERT: at('etc/octopod/pki/pi-7.pem'),
        TENTACLE_CLIENT_KEY: at('etc/octopod/pki/pi-7.key'),
      },
    });
    expect(yamlAt('etc/octopod/tentacle.yaml').httpsNameServer).toEqual({ enable: false });

    // A single-use token is spent: a second run keeps the certificate and does not join again.
    rmSync(log);
    const again = await runInstaller(args, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already enrolled');
    expect(existsSync(log)).toBe(false);
  });

  it('says what is missing from the command line', async () => {
    const release = await makeRelease(tmp.path, '1.0.0', privateKey);
    const without = (flag: string, values = 1) => {
      const args = baseArgs(release);
      args.splice(args.indexOf(flag), 1 + values);
      return args;
    };
    const cases: [string[], RegExp][] = [
      [without('--release'), /give the release/],
      [without('--release-key'), /give the release public key/],
      [without('--name'), /give the node's name/],
      [without('--certs'), /exactly one of --token, --token-file or --certs/],
      [[...baseArgs(release), '--token', 't'], /exactly one of --token, --token-file or --certs/],
      [without('--nameserver'), /say where the brain is/],
      [without('--no-start', 0), /--root other than \/ needs --no-start/],
      [[...baseArgs(release), '--brain', 'nowhere'], /--brain: expected host:port/],
      [[...baseArgs(release), '--bogus'], /unknown argument "--bogus"/],
    ];
    for (const [args, message] of cases) {
      const run = await runInstaller(args);
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 2,
        stderr: expect.stringMatching(message),
      });
    }
    expect(readdirSync(root)).toEqual([]);
  });
});
