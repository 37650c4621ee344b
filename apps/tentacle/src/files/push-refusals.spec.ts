import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileWorld, pushOf } from '../testing/file-world';
import { MemoryTransfers, memorySource } from '../testing/memory-transfers';

let world: ReturnType<typeof fileWorld>;

beforeEach(() => (world = fileWorld('push-refusals-')));
afterEach(() => world.remove());

const refusal = (code: string, message: string | RegExp) => ({
  kind: 'error',
  body: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) },
});

describe('file.push refusals', () => {
  it('refuses paths that leave their root, unknown variables, and absolute paths where not allowed', async () => {
    const strict = world.files({ allowAbsolute: false });
    const link = new MemoryTransfers().tentacle;
    const data = Buffer.from('x');
    expect(await strict.push(pushOf(data, { target: '../x' }), link)).toEqual(
      refusal('path_refused', 'path "../x" leaves @fstore'),
    );
    expect(await strict.push(pushOf(data, { target: '@workspace/../../x' }), link)).toEqual(
      refusal('path_refused', 'path "@workspace/../../x" leaves @workspace'),
    );
    expect(await strict.push(pushOf(data, { target: '@nope/x' }), link)).toEqual(
      refusal('path_refused', /unknown variable @nope/),
    );
    expect(await strict.push(pushOf(data, { target: world.dirs.outside }), link)).toEqual(
      refusal('path_refused', /^absolute path ".*" is not allowed here/),
    );
    symlinkSync(world.dirs.outside, join(world.dirs.fstore, 'link'));
    expect(await strict.push(pushOf(data, { target: '@fstore/link/in' }), link)).toEqual(
      refusal('path_refused', 'path "@fstore/link/in" leads out of its root through a symlink'),
    );
    expect(readdirSync(world.dirs.outside)).toEqual([]);
    // Where absolute paths are allowed, a link out of the store is no way round anything.
    expect((await world.files().push(pushOf(data, { target: '@fstore/link' }), link)).kind).toBe(
      'file.ready',
    );
  });

  it('checks the target as Octopoda does, and creates it when forced', async () => {
    const files = world.files();
    const link = new MemoryTransfers().tentacle;
    const data = Buffer.from('x');
    expect(await files.push(pushOf(data, { target: 'missing', force: false }), link)).toEqual(
      refusal('target_invalid', 'target path not exist'),
    );
    writeFileSync(join(world.dirs.fstore, 'plain'), 'a file');
    expect(await files.push(pushOf(data, { target: 'plain', force: true }), link)).toEqual(
      refusal('target_invalid', 'target path is a file'),
    );
    expect(await files.push(pushOf(data, { name: '../up' }), link)).toEqual(
      refusal('target_invalid', 'file name "../up" is not a plain name'),
    );
    expect(existsSync(join(world.dirs.fstore, 'missing'))).toBe(false);
    expect((await files.push(pushOf(data, { target: 'a/b/c', force: true }), link)).kind).toBe('file.ready');
    expect(existsSync(join(world.dirs.fstore, 'a', 'b', 'c'))).toBe(true);
    // Octopoda's `.` arrives as an empty target: the store itself.
    const here = pushOf(data, { target: '', force: false });
    expect((await files.push(here, link)).kind).toBe('file.ready');
    expect(existsSync(join(world.dirs.fstore, `.octopod-${here.transferId}.part`))).toBe(true);
  });
});

/** A 1 MiB tmpfs to fill; only root may mount one (CI runs as root). */
function mountTinyDisk(dir: string): boolean {
  if (process.getuid?.() !== 0) return false;
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('file.push on a full disk', () => {
  const disk = fileWorld('push-full-');
  const mount = join(disk.temp.path, 'tiny');
  const mounted = mountTinyDisk(mount);

  afterAll(() => {
    if (mounted) execFileSync('umount', [mount]);
    disk.remove();
  });

  it.skipIf(!mounted)(
    'fails the push with a clear error, stops the sender and removes the partial file',
    async () => {
      const files = disk.files();
      const data = randomBytes(2 * 1024 * 1024);
      const body = pushOf(data, { target: join(mount, 'in') });
      const transfers = new MemoryTransfers();
      expect((await files.push(body, transfers.tentacle)).kind).toBe('file.ready');
      await expect(transfers.send(body.transferId, memorySource(data), 0)).rejects.toThrow(
        `the other side stopped: no space left on device writing ${mount}/in/data.bin`,
      );
      const result = await disk.tasks.resultOf(body.invocationId);
      expect(result).toMatchObject({
        state: 'failed',
        error: `no space left on device writing ${mount}/in/data.bin`,
      });
      expect(transfers.aborts()).toEqual([
        { transferId: body.transferId, reason: `no space left on device writing ${mount}/in/data.bin` },
      ]);
      expect(readdirSync(join(mount, 'in'))).toEqual([]);
      const free = statfsSync(mount);
      expect(free.bfree).toBe(free.blocks);
    },
  );
});
