import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawTarGz, type RawEntry } from './archive.helper-spec';
import { sha256Hex } from './manifest';
import { packRelease, type ManifestInput } from './pack';
import { verifyReleaseDir } from './release-dir';
import { readReleaseArchive, unpackRelease } from './unpack';

const manifest: ManifestInput = {
  app: 'tentacle',
  version: '1.2.3',
  os: 'linux',
  arch: 'x64',
  createdAt: '2026-11-23T10:00:00.000Z',
  entry: 'tentacle.js',
};
const files = [
  { path: 'tentacle.js', data: Buffer.from('console.log("tentacle")') },
  { path: 'pakma.js', data: Buffer.from('console.log("pakma")') },
  { path: 'lib/extra.js', data: Buffer.from('module.exports = 1') },
];

let temp: { path: string };
beforeEach(() => {
  temp = { path: mkdtempSync(join(tmpdir(), 'release-unpack-')) };
});
afterEach(() => rmSync(temp.path, { recursive: true, force: true }));

/** A hand-made release whose manifest lists `listed` (path -> content) and whose tar holds `entries`. */
async function handMade(listed: Record<string, string>, entries: RawEntry[]): Promise<Buffer> {
  const hashes = Object.fromEntries(
    Object.entries(listed).map(([path, text]) => [path, sha256Hex(Buffer.from(text))]),
  );
  const doc = { ...manifest, entry: Object.keys(listed)[0], files: hashes };
  return rawTarGz([{ name: 'manifest.json', data: JSON.stringify(doc) }, ...entries]);
}

describe('packRelease', () => {
  it('writes manifest.json first, then the files sorted, with their sha256 in the manifest', async () => {
    const packed = await packRelease({ files, manifest });
    expect(packed.manifest.files).toEqual({
      'lib/extra.js': sha256Hex(files[2].data),
      'pakma.js': sha256Hex(files[1].data),
      'tentacle.js': sha256Hex(files[0].data),
    });
    const read = await readReleaseArchive(packed.bytes);
    expect([...read.keys()]).toEqual(['manifest.json', 'lib/extra.js', 'pakma.js', 'tentacle.js']);
    expect(JSON.parse(read.get('manifest.json')!.toString())).toEqual(packed.manifest);
    expect(gunzipSync(packed.bytes).subarray(0, 13).toString()).toBe('manifest.json');
  });

  it('packs the same input to the same bytes', async () => {
    const a = await packRelease({ files, manifest });
    const b = await packRelease({ files: [...files].reverse(), manifest });
    expect(a.bytes.equals(b.bytes)).toBe(true);
  });

  it('refuses an entry that is not a listed file, a bad path, a bad version and a file given twice', async () => {
    await expect(packRelease({ files, manifest: { ...manifest, entry: 'nope.js' } })).rejects.toThrow(
      /entry: must be one of the listed files/,
    );
    await expect(packRelease({ files: [{ path: '../x', data: Buffer.from('') }], manifest })).rejects.toThrow(
      /must not contain empty, "\." or "\.\." parts/,
    );
    await expect(packRelease({ files, manifest: { ...manifest, version: '1.2.x' } })).rejects.toThrow(
      /version: must contain only digits and dots/,
    );
    await expect(packRelease({ files: [...files, files[0]], manifest })).rejects.toThrow(
      'file "tentacle.js" is given twice',
    );
  });
});

describe('unpackRelease', () => {
  it('writes every file under destDir and returns the manifest', async () => {
    const packed = await packRelease({ files, manifest });
    const dest = join(temp.path, 'install', '1.2.3');
    const got = await unpackRelease(packed.bytes, dest, {
      app: 'tentacle',
      version: '1.2.3',
      os: 'linux',
      arch: 'x64',
    });
    expect(got).toEqual(packed.manifest);
    expect(readFileSync(join(dest, 'tentacle.js'), 'utf8')).toBe('console.log("tentacle")');
    expect(readFileSync(join(dest, 'lib', 'extra.js'), 'utf8')).toBe('module.exports = 1');
    expect(readdirSync(join(temp.path, 'install'))).toEqual(['1.2.3']);
    await expect(verifyReleaseDir(dest, { version: '1.2.3' })).resolves.toEqual(packed.manifest);
  });

  it('replaces an existing destDir whole', async () => {
    const dest = join(temp.path, '1.2.3');
    mkdirSync(dest);
    writeFileSync(join(dest, 'stale.js'), 'old');
    await unpackRelease((await packRelease({ files, manifest })).bytes, dest);
    expect(existsSync(join(dest, 'stale.js'))).toBe(false);
    expect(readdirSync(temp.path)).toEqual(['1.2.3']);
  });

  it('refuses a release for another app, version, os or arch before writing anything', async () => {
    const { bytes } = await packRelease({ files, manifest });
    const dest = join(temp.path, 'x');
    await expect(unpackRelease(bytes, dest, { version: '1.2.4' })).rejects.toThrow(
      expect.objectContaining({
        code: 'wrong_release',
        message: 'release is for version "1.2.3", expected "1.2.4"',
      }),
    );
    await expect(unpackRelease(bytes, dest, { arch: 'arm64' })).rejects.toThrow('release is for arch "x64"');
    expect(existsSync(temp.path) && readdirSync(temp.path)).toEqual([]);
  });

  it.each([
    ['../evil.js', /the path must not contain empty, "\." or "\.\." parts/],
    ['a/../../evil.js', /the path must not contain/],
    ['/etc/evil.js', /the path must be relative/],
  ])('refuses the traversal entry %s', async (name, message) => {
    const bytes = await handMade({ 'tentacle.js': 'x' }, [
      { name: 'tentacle.js', data: 'x' },
      { name, data: 'evil' },
    ]);
    await expect(unpackRelease(bytes, join(temp.path, 'd'))).rejects.toThrow(message);
    expect(readdirSync(temp.path)).toEqual([]);
  });

  it.each([
    [{ name: 'link.js', type: 'symlink', linkname: '/etc/passwd' }, 'symlink entries are not allowed'],
    [{ name: 'hard.js', type: 'link', linkname: 'tentacle.js' }, 'link entries are not allowed'],
    [{ name: 'dev', type: 'character-device' }, 'character-device entries are not allowed'],
    [{ name: 'pipe', type: 'fifo' }, 'fifo entries are not allowed'],
  ] as const)('refuses %o', async (entry, message) => {
    const bytes = await handMade({ 'tentacle.js': 'x' }, [{ name: 'tentacle.js', data: 'x' }, entry]);
    await expect(unpackRelease(bytes, join(temp.path, 'd'))).rejects.toThrow(
      expect.objectContaining({ code: 'bad_archive', message: expect.stringContaining(message) }),
    );
  });

  it('refuses a file whose bytes do not match the manifest', async () => {
    const bytes = await handMade({ 'tentacle.js': 'good' }, [{ name: 'tentacle.js', data: 'evil' }]);
    await expect(unpackRelease(bytes, join(temp.path, 'd'))).rejects.toThrow(
      expect.objectContaining({
        code: 'checksum_mismatch',
        message: 'release file "tentacle.js" does not match its sha256',
      }),
    );
    expect(readdirSync(temp.path)).toEqual([]);
  });

  it('refuses a listed file that is missing and a file that is not listed', async () => {
    const missing = await handMade({ 'tentacle.js': 'x', 'pakma.js': 'y' }, [
      { name: 'tentacle.js', data: 'x' },
    ]);
    await expect(unpackRelease(missing, join(temp.path, 'd'))).rejects.toThrow(
      expect.objectContaining({ code: 'missing_file', message: 'release file "pakma.js" is missing' }),
    );
    const extra = await handMade({ 'tentacle.js': 'x' }, [
      { name: 'tentacle.js', data: 'x' },
      { name: 'bonus.js', data: 'y' },
    ]);
    await expect(unpackRelease(extra, join(temp.path, 'd'))).rejects.toThrow(
      expect.objectContaining({
        code: 'unlisted_file',
        message: 'release file "bonus.js" is not in manifest.json',
      }),
    );
  });

  it('accepts ./ names and directory entries as tar -C dir . writes them', async () => {
    const bytes = await handMade({ 'lib/a.js': 'a' }, [
      { name: './', type: 'directory' },
      { name: './lib/', type: 'directory' },
      { name: './lib/a.js', data: 'a' },
    ]);
    await unpackRelease(bytes, join(temp.path, 'd'));
    expect(readFileSync(join(temp.path, 'd', 'lib', 'a.js'), 'utf8')).toBe('a');
  });

  it('refuses a name given twice, a missing or bad manifest, and bytes that are not a .tar.gz', async () => {
    const twice = await handMade({ 'tentacle.js': 'x' }, [
      { name: 'tentacle.js', data: 'x' },
      { name: './tentacle.js', data: 'x' },
    ]);
    await expect(readReleaseArchive(twice)).rejects.toThrow('release entry "./tentacle.js" appears twice');
    const noManifest = await rawTarGz([{ name: 'tentacle.js', data: 'x' }]);
    await expect(unpackRelease(noManifest, join(temp.path, 'd'))).rejects.toThrow(
      'release has no manifest.json',
    );
    const badManifest = await rawTarGz([{ name: 'manifest.json', data: '{"app":"x"}' }]);
    await expect(unpackRelease(badManifest, join(temp.path, 'd'))).rejects.toThrow(
      /manifest.json is invalid: version: /,
    );
    await expect(unpackRelease(Buffer.from('plain text'), join(temp.path, 'd'))).rejects.toThrow(
      expect.objectContaining({
        code: 'bad_archive',
        message: expect.stringMatching(/^release is not a readable \.tar\.gz/),
      }),
    );
    const { bytes } = await packRelease({ files, manifest });
    await expect(readReleaseArchive(bytes.subarray(0, bytes.length - 30))).rejects.toThrow(
      expect.objectContaining({ code: 'bad_archive' }),
    );
  });
});

describe('verifyReleaseDir', () => {
  it('refuses an installed release that was changed, grew a file, or holds a symlink', async () => {
    const { bytes } = await packRelease({ files, manifest });
    const dest = join(temp.path, 'd');
    await unpackRelease(bytes, dest);
    writeFileSync(join(dest, 'pakma.js'), 'changed');
    await expect(verifyReleaseDir(dest)).rejects.toThrow('release file "pakma.js" does not match its sha256');
    await unpackRelease(bytes, dest);
    writeFileSync(join(dest, 'lib', 'more.js'), '');
    await expect(verifyReleaseDir(dest)).rejects.toThrow(
      'release file "lib/more.js" is not in manifest.json',
    );
    await unpackRelease(bytes, dest);
    symlinkSync('/etc/passwd', join(dest, 'link'));
    await expect(verifyReleaseDir(dest)).rejects.toThrow(
      '"link" in the installed release is not a regular file',
    );
  });
});
