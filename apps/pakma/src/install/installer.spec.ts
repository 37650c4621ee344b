import { generateReleaseKeys, packRelease, releaseFileName, signRelease } from '@octopod/release';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReleaseInstaller } from './installer';
import type { FetchedRelease, ReleaseSource } from './release-source';

const keys = generateReleaseKeys();
const otherKeys = generateReleaseKeys();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pakma-installer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function release(
  version: string,
  options: { manifestVersion?: string; key?: string; unsigned?: boolean } = {},
) {
  const { bytes } = await packRelease({
    files: [{ path: 'tentacle.js', data: Buffer.from(`// ${version}`) }],
    manifest: {
      app: 'tentacle',
      version: options.manifestVersion ?? version,
      os: 'linux',
      arch: 'x64',
      entry: 'tentacle.js',
    },
  });
  return {
    bytes,
    signature: options.unsigned ? undefined : signRelease(bytes, options.key ?? keys.privateKeyPem),
  };
}

/** An in-memory name server + cache: records fetches, keeps and forgets. */
function memorySource(
  releases: Map<string, { bytes: Buffer; signature: string | undefined }>,
  origin: FetchedRelease['origin'] = 'name server',
) {
  const log: string[] = [];
  const source: ReleaseSource = {
    async fetch(file) {
      log.push(`fetch ${file}`);
      const found = releases.get(file);
      if (!found) throw new Error(`release ${file} is not on the name server (404)`);
      return { ...found, origin };
    },
    async keep(file) {
      log.push(`keep ${file}`);
    },
    async forget(file) {
      log.push(`forget ${file}`);
    },
  };
  return { source, log };
}

function installer(source: ReleaseSource, restart: () => Promise<void> = async () => undefined) {
  return new ReleaseInstaller({
    app: 'tentacle',
    os: 'linux',
    arch: 'x64',
    installRoot: join(dir, 'opt'),
    cacheDir: join(dir, 'cache'),
    releaseKeyPem: keys.publicKeyPem,
    source,
    restart,
    restartDelayMs: 0,
    logger: pino({ level: 'silent' }),
  });
}

const file = (version: string) => releaseFileName('tentacle', version, 'linux', 'x64');
const current = () => readlinkSync(join(dir, 'opt', 'current'));

describe('ReleaseInstaller.activate', () => {
  it('fetches, verifies, unpacks, points current at the version and restarts; then reuses the unpacked copy', async () => {
    const { source, log } = memorySource(new Map([[file('1.0'), await release('1.0')]]));
    let restarts = 0;
    const subject = installer(source, async () => void restarts++);
    await subject.activate('1.0');
    expect(current()).toBe('1.0');
    expect(readdirSync(join(dir, 'opt', '1.0')).sort()).toEqual(['manifest.json', 'tentacle.js']);
    await subject.activate('1.0');
    expect(log).toEqual([`fetch ${file('1.0')}`, `keep ${file('1.0')}`]);
    expect(restarts).toBe(2);
  });

  it.each([
    ['unsigned', { unsigned: true }, 'release is not signed'],
    ['signed with another key', { key: otherKeys.privateKeyPem }, 'release signature does not verify'],
    ['for another version', { manifestVersion: '9.9' }, 'release is for version "9.9", expected "2.0"'],
  ])(
    'refuses a release %s: nothing unpacked, nothing switched, no restart',
    async (_name, options, message) => {
      const { source, log } = memorySource(
        new Map([
          [file('1.0'), await release('1.0')],
          [file('2.0'), await release('2.0', options)],
        ]),
      );
      let restarts = 0;
      const subject = installer(source, async () => void restarts++);
      await subject.activate('1.0');
      await expect(subject.activate('2.0')).rejects.toThrow(`${file('2.0')}: ${message}`);
      expect(current()).toBe('1.0');
      expect(existsSync(join(dir, 'opt', '2.0'))).toBe(false);
      expect(restarts).toBe(1);
      expect(log).not.toContain(`keep ${file('2.0')}`);
    },
  );

  it('drops a cached copy that does not verify, so the next attempt downloads it', async () => {
    const { source, log } = memorySource(
      new Map([[file('1.0'), await release('1.0', { key: otherKeys.privateKeyPem })]]),
      'cache',
    );
    await expect(installer(source).activate('1.0')).rejects.toThrow('release signature does not verify');
    expect(log).toEqual([`fetch ${file('1.0')}`, `forget ${file('1.0')}`]);
  });

  it('installs again over a damaged unpacked copy', async () => {
    const { source, log } = memorySource(new Map([[file('1.0'), await release('1.0')]]));
    const subject = installer(source);
    await subject.activate('1.0');
    writeFileSync(join(dir, 'opt', '1.0', 'tentacle.js'), 'tampered');
    await subject.activate('1.0');
    expect(log.filter((line) => line.startsWith('fetch'))).toHaveLength(2);
  });

  it('switches back to the previous version when the restart fails', async () => {
    const { source } = memorySource(
      new Map([
        [file('1.0'), await release('1.0')],
        [file('2.0'), await release('2.0')],
      ]),
    );
    const started: string[] = [];
    const subject = installer(source, async () => {
      started.push(current());
      if (current() === '2.0') throw new Error('"systemctl restart octopod-tentacle" exited with 1');
    });
    await subject.activate('1.0');
    await expect(subject.activate('2.0')).rejects.toThrow('exited with 1');
    expect(current()).toBe('1.0');
    expect(started).toEqual(['1.0', '2.0', '1.0']);
  });
});

describe('ReleaseInstaller.clean', () => {
  it('deletes the cache, unkept versions and leftovers; keeps the kept ones, current and its target', async () => {
    const subject = installer(memorySource(new Map()).source);
    const opt = join(dir, 'opt');
    for (const v of ['1.0', '2.0', '3.0', '4.0', '.1.0.unpack-ab12', 'notes'])
      mkdirSync(join(opt, v), { recursive: true });
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', file('1.0')), 'x');
    symlinkSync('4.0', join(opt, 'current'));
    const removed = await subject.clean(['2.0', '3.0']);
    expect(removed.sort()).toEqual(['.1.0.unpack-ab12', '1.0']);
    expect(readdirSync(opt).sort()).toEqual(['2.0', '3.0', '4.0', 'current', 'notes']);
    expect(existsSync(join(dir, 'cache'))).toBe(false);
  });
});
