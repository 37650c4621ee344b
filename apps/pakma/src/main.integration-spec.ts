import { generateReleaseKeys } from '@octopod/release';
import { makeTempDir, makeTestPki, spawnProcess, waitFor, type SpawnedProcess } from '@octopod/testing';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** The built entry point: argument parsing, refusals at start-up, signals, exit codes. */
const MAIN = resolve(__dirname, '../dist/main.js');

let temp: ReturnType<typeof makeTempDir>;
let base: Record<string, unknown>;
const keys = generateReleaseKeys();
const processes: SpawnedProcess[] = [];

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b apps/pakma)`);
  temp = makeTempDir('pakma-main-');
  const pki = makeTestPki(join(temp.path, 'pki'));
  const client = pki.client('pi-1');
  writeFileSync(join(temp.path, 'release.pub'), keys.publicKeyPem);
  writeFileSync(join(temp.path, 'release.key'), keys.privateKeyPem);
  mkdirSync(join(temp.path, 'damaged'));
  writeFileSync(join(temp.path, 'damaged', 'pakma.json'), '{');
  base = {
    port: 0,
    root: join(temp.path, 'root'),
    installRoot: join(temp.path, 'opt'),
    releaseKey: join(temp.path, 'release.pub'),
    tls: { ca: pki.caPath, cert: client.certPath, key: client.keyPath },
    statusFile: join(temp.path, 'link-status.json'),
  };
});

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.kill()));
});

afterAll(() => temp?.remove());

function run(config: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): SpawnedProcess {
  const path = join(temp.path, `pakma-${processes.length}.yaml`);
  writeFileSync(path, stringify(config));
  const child = spawnProcess(process.execPath, [MAIN, '-c', path], { cwd: temp.path, env });
  processes.push(child);
  return child;
}

describe('pakma main', () => {
  it('serves the API on loopback and exits 0 on SIGTERM', async () => {
    const pakma = run(base);
    const ready = JSON.parse(await pakma.waitForLine('"msg":"ready"')) as { address: string };
    expect(ready.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${ready.address}/state`);
    expect(await res.json()).toEqual({ msg: 'OK', state_type: 1, state_msg: 'EMPTY' });
    expect(await pakma.stop()).toBe(0);
  });

  it('tells systemd it is ready once it listens (Type=notify)', async () => {
    const bin = join(temp.path, 'bin');
    mkdirSync(bin);
    const calls = join(temp.path, 'notify-calls');
    writeFileSync(join(bin, 'systemd-notify'), `#!/bin/sh\necho "$@ $NOTIFY_SOCKET" >> ${calls}\n`, {
      mode: 0o755,
    });
    const pakma = run(base, { PATH: `${bin}:${process.env.PATH}`, NOTIFY_SOCKET: '/run/test/notify' });
    await pakma.waitForLine('"msg":"ready"');
    const line = await waitFor(() => (existsSync(calls) ? readFileSync(calls, 'utf8') : ''), {
      what: 'systemd-notify',
    });
    expect(line.trim()).toBe(`--ready --pid=${pakma.child.pid} /run/test/notify`);
  });

  it.each([
    ['without a release key', { releaseKey: undefined }, /releaseKey: is required/],
    [
      'with an unreadable release key',
      { releaseKey: join('/nonexistent', 'release.pub') },
      /releaseKey: cannot read .*ENOENT/,
    ],
    [
      'with the private signing key as release key',
      { releaseKey: 'release.key' },
      /release public key is a private key: give nodes release.pub, never release.key/,
    ],
    // Relative paths are taken from the working directory, the temp dir.
    ['with a damaged pakma.json', { root: 'damaged' }, /pakma\.json: not valid JSON; fix or remove it/],
  ])('refuses to start %s (exit 2)', async (_name, change, message) => {
    const pakma = run({ ...base, ...change });
    expect(await pakma.exited).toBe(2);
    expect(pakma.output()).toMatch(message);
  });
});
