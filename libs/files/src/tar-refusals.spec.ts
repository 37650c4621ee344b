import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { ArchiveRefusedError, type ArchiveRefusal } from './archive';
import { tempDir } from './fixtures.helper-spec';
import { extractTar } from './tar';
import { listTree } from './tree';

type Entry = Partial<tar.Header> & { name: string; body?: string };

/** A tar archive in memory, exactly as listed: no checks, which is the point. */
async function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { body, ...header } of entries) pack.entry(header, body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Extracts into <outside>/x/y/dest and returns what exists outside dest afterwards. */
async function extractExpectingRefusal(entries: Entry[], code: ArchiveRefusal): Promise<string[]> {
  const outside = await tempDir();
  const dest = join(outside, 'x/y/dest');
  await mkdir(dest, { recursive: true });
  const refusal = await extractTar(Readable.from(await archive(entries)), dest).catch((err: unknown) => err);
  expect(refusal).toBeInstanceOf(ArchiveRefusedError);
  expect((refusal as ArchiveRefusedError).code).toBe(code);
  const names = (await listTree(outside, { hidden: true })).map((e) => e.name);
  return names.filter((name) => !name.startsWith('x/y/dest'));
}

const file = (name: string): Entry => ({ name, type: 'file', body: 'evil' });
const link = (name: string, linkname: string): Entry => ({ name, type: 'symlink', linkname });

describe('extractTar refusals', () => {
  const cases: [string, Entry[], ArchiveRefusal][] = [
    ['a parent-relative name', [file('../evil')], 'traversal'],
    ['an absolute name', [file('/abs')], 'absolute'],
    ['a name climbing out through a subdirectory', [file('a/../../x')], 'traversal'],
    ['a hardlink', [file('target'), { name: 'h', type: 'link', linkname: 'target' }], 'hardlink'],
    ['a symlink to an absolute path', [link('s', '/etc/passwd')], 'link_escape'],
    ['a symlink climbing out', [link('s', '../..')], 'link_escape'],
    ['a name through a symlink to "."', [link('l', '.'), file('l/../../x')], 'traversal'],
    [
      'a file under a symlinked directory',
      [{ name: 'sub', type: 'directory' }, link('d', 'sub'), file('d/f')],
      'link_escape',
    ],
    [
      'a symlink that escapes through another symlink',
      [link('a/b/s', '../..'), link('q', 'a/b/s/..')],
      'link_escape',
    ],
    ['a fifo', [{ name: 'p', type: 'fifo' }], 'special'],
    ['a character device', [{ name: 'tty', type: 'character-device' }], 'special'],
    ['the same file twice', [file('twice'), file('twice')], 'bad_archive'],
    ['a file over a symlink it made', [link('s', 'elsewhere'), file('s')], 'bad_archive'],
  ];

  it.each(cases)('refuses %s', async (_label, entries, code) => {
    expect(await extractExpectingRefusal(entries, code)).toEqual(['x', 'x/y']);
  });

  it('accepts symlinks that stay inside, even through other symlinks', async () => {
    const dest = await tempDir();
    const entries = [link('here', '.'), file('b'), link('a/up', '../b'), link('via', 'here/a/up')];
    const stats = await extractTar(Readable.from(await archive(entries)), dest);
    expect(stats).toMatchObject({ files: 1, symlinks: 3 });
    expect(await readFile(join(dest, 'via'), 'utf8')).toBe('evil');
  });

  it('refuses a stream that is not a tar archive as bad_archive', async () => {
    const dest = await tempDir();
    const junk = Readable.from([Buffer.alloc(1024, 'x')]);
    await expect(extractTar(junk, dest)).rejects.toMatchObject({ code: 'bad_archive' });
  });

  it('refuses a truncated archive as bad_archive', async () => {
    const dest = await tempDir();
    const whole = await archive([{ name: 'big', type: 'file', body: 'y'.repeat(4096) }]);
    await expect(extractTar(Readable.from([whole.subarray(0, 2048)]), dest)).rejects.toMatchObject({
      code: 'bad_archive',
    });
  });

  it('passes an input error in the middle of a file through unchanged', async () => {
    const dest = await tempDir();
    const whole = await archive([{ name: 'big', type: 'file', body: 'y'.repeat(64 * 1024) }]);
    const broken = new Readable({ read: () => undefined });
    broken.push(whole.subarray(0, 8192));
    setImmediate(() => broken.destroy(new Error('connection reset')));
    await expect(extractTar(broken, dest)).rejects.toThrow(/^connection reset$/);
  });

  it('passes an input stream error through unchanged', async () => {
    const dest = await tempDir();
    const broken = new Readable({ read: () => undefined });
    setImmediate(() => broken.destroy(new Error('connection reset')));
    await expect(extractTar(broken, dest)).rejects.toThrow('connection reset');
  });
});
