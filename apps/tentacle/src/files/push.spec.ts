import { packTar, packZip } from '@octopod/files';
import type { FilePush, TaskResult } from '@octopod/protocol';
import { waitFor } from '@octopod/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import * as tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileWorld, pushOf, sha256 } from '../testing/file-world';
import { MemoryTransfers, memorySource } from '../testing/memory-transfers';
import type { NodeFiles } from './node-files';

const KiB = 1024;

/** The bytes a packer writes, collected. */
async function packed(pack: (out: NodeJS.WritableStream) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const [, bytes] = await Promise.all([pack(out), buffer(out)]);
  return bytes;
}

/** A source tree as octl uploads it: `updir/a.txt`, `updir/sub/b.txt`. */
function sourceTree(parent: string): string {
  const dir = join(parent, 'updir');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'a.txt'), 'alpha\n');
  writeFileSync(join(dir, 'sub', 'b.txt'), 'beta\n');
  return dir;
}

let world: ReturnType<typeof fileWorld>;
let files: NodeFiles;

beforeEach(() => {
  world = fileWorld('push-');
  files = world.files();
});
afterEach(() => world.remove());

/** Pushes `data` the way the brain does and waits for the push's result. */
async function push(data: Buffer, body: FilePush, transfers = new MemoryTransfers()): Promise<TaskResult> {
  const reply = await files.push(body, transfers.tentacle);
  expect(reply).toEqual({
    kind: 'file.ready',
    body: { transferId: body.transferId, offset: 0, finished: false },
  });
  await transfers.send(body.transferId, memorySource(data), 0);
  return world.tasks.resultOf(body.invocationId);
}

describe('file.push', () => {
  it('lays a pushed file down in its target with its mode, leaving nothing else there', async () => {
    const data = randomBytes(300 * KiB + 5);
    const transfers = new MemoryTransfers();
    const body = pushOf(data, { mode: 0o600 });
    const result = await push(data, body, transfers);
    expect(result).toEqual({
      invocationId: body.invocationId,
      state: 'success',
      exitCode: null,
      signal: null,
      stdout: '',
      stderr: '',
      output: '',
      pid: null,
      startedAt: expect.any(Number),
      endedAt: expect.any(Number),
      error: null,
    });
    const target = join(world.dirs.fstore, 'in');
    expect(sha256(readFileSync(join(target, 'data.bin')))).toBe(sha256(data));
    expect(statSync(join(target, 'data.bin')).mode & 0o777).toBe(0o600);
    expect(readdirSync(target)).toEqual(['data.bin']);
    expect(transfers.sent.filter((m) => m.kind === 'file.ack').at(-1)?.body).toEqual({
      transferId: body.transferId,
      offset: data.length,
    });
  });

  it('gives a file without a mode 0644, and places an empty file at once', async () => {
    const body = pushOf(Buffer.alloc(0), { name: 'empty' });
    expect((await push(Buffer.alloc(0), body)).state).toBe('success');
    const placed = statSync(join(world.dirs.fstore, 'in', 'empty'));
    expect([placed.size, placed.mode & 0o777]).toEqual([0, 0o644]);
  });

  it('extracts a pushed tar into the target', async () => {
    const data = await packed((out) => packTar(sourceTree(world.temp.path), out));
    const result = await push(data, pushOf(data, { format: 'tar', name: 'updir', target: 'x' }));
    expect(result).toMatchObject({ state: 'success', error: null });
    const target = join(world.dirs.fstore, 'x');
    expect(readFileSync(join(target, 'updir', 'a.txt'), 'utf8')).toBe('alpha\n');
    expect(readFileSync(join(target, 'updir', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
    expect(readdirSync(target)).toEqual(['updir']);
  });

  it('places the entries under the single *.wrap directory of an Octopoda zip', async () => {
    const source = sourceTree(world.temp.path);
    const data = await packed((out) => packZip(source, out, { prefix: '1700000000000000000.wrap' }));
    const result = await push(data, pushOf(data, { format: 'zip', name: 'x.zip', target: '@fstore/z' }));
    expect(result).toMatchObject({ state: 'success', error: null });
    const target = join(world.dirs.fstore, 'z');
    expect(readdirSync(target)).toEqual(['updir']);
    expect(readFileSync(join(target, 'updir', 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
  });

  it('keeps the partial file when the link closes and resumes from it on the next push', async () => {
    const data = randomBytes(512 * KiB);
    const body = pushOf(data);
    const first = new MemoryTransfers((frame, index) => {
      if (index < 4) return frame;
      setImmediate(() => first.close());
      return null;
    });
    const ready = await files.push(body, first.tentacle);
    expect(ready.kind).toBe('file.ready');
    await expect(first.send(body.transferId, memorySource(data), 0)).rejects.toThrow('link closed');
    await waitFor(() => world.log.find('push stopped').length > 0, { what: 'the push to stop' });
    const part = join(world.dirs.fstore, 'in', `.octopod-${body.transferId}.part`);
    const held = statSync(part).size;
    expect(held).toBeGreaterThan(0);
    expect(world.tasks.reports).toEqual([]);

    const second = new MemoryTransfers();
    expect(await files.push(body, second.tentacle)).toEqual({
      kind: 'file.ready',
      body: { transferId: body.transferId, offset: held, finished: false },
    });
    await second.send(body.transferId, memorySource(data), held);
    expect((await world.tasks.resultOf(body.invocationId)).state).toBe('success');
    expect(second.framesDown).toBe((data.length - held) / (64 * KiB));
    expect(sha256(readFileSync(join(world.dirs.fstore, 'in', 'data.bin')))).toBe(sha256(data));
    expect(existsSync(part)).toBe(false);
  });

  it('asks again for a corrupted chunk and lays down the exact bytes', async () => {
    const data = randomBytes(256 * KiB);
    const body = pushOf(data);
    const transfers = new MemoryTransfers((frame, index) => {
      if (index === 2) frame[frame.length - 1] ^= 0xff;
      return frame;
    });
    expect((await files.push(body, transfers.tentacle)).kind).toBe('file.ready');
    const sender = await transfers.send(body.transferId, memorySource(data), 0);
    expect((await world.tasks.resultOf(body.invocationId)).state).toBe('success');
    expect(sender.resent).toBe(1);
    expect(transfers.sent.filter((m) => m.kind === 'file.nack')).toEqual([
      {
        kind: 'file.nack',
        body: { transferId: body.transferId, offset: 128 * KiB, reason: 'chunk checksum mismatch' },
      },
    ]);
    expect(sha256(readFileSync(join(world.dirs.fstore, 'in', 'data.bin')))).toBe(sha256(data));
  });

  it('re-sends the result instead of receiving again when the push already ended', async () => {
    const data = randomBytes(10 * KiB);
    const body = pushOf(data);
    await push(data, body);
    expect(await files.push(body, new MemoryTransfers().tentacle)).toEqual({
      kind: 'file.ready',
      body: { transferId: body.transferId, offset: data.length, finished: true },
    });
    expect(world.tasks.reports.map((r) => r.invocationId)).toEqual([body.invocationId, body.invocationId]);
  });

  it('discards the partial file on a cancel, on the same link or a later one, and reports nothing', async () => {
    const data = randomBytes(64 * KiB);
    const body = pushOf(data);
    const transfers = new MemoryTransfers();
    await files.push(body, transfers.tentacle);
    const part = join(world.dirs.fstore, 'in', `.octopod-${body.transferId}.part`);
    expect(existsSync(part)).toBe(true);
    await files.abort({ transferId: body.transferId, reason: 'cancelled by the user' }, transfers.tentacle);
    await waitFor(() => !existsSync(part), { what: 'the partial file to go' });

    const later = pushOf(data);
    const closing = new MemoryTransfers();
    await files.push(later, closing.tentacle);
    closing.close();
    await waitFor(() => world.log.find('push stopped').length === 2, { what: 'the push to stop' });
    const laterPart = join(world.dirs.fstore, 'in', `.octopod-${later.transferId}.part`);
    expect(existsSync(laterPart)).toBe(true);
    await files.abort({ transferId: later.transferId, reason: 'cancelled' }, new MemoryTransfers().tentacle);
    expect(existsSync(laterPart)).toBe(false);
    expect(world.tasks.reports).toEqual([]);
  });

  it('stops a push that is still opening when its cancel arrives', async () => {
    const data = randomBytes(64 * KiB);
    const body = pushOf(data);
    const transfers = new MemoryTransfers();
    const opening = files.push(body, transfers.tentacle);
    const cancelled = files.abort({ transferId: body.transferId, reason: 'cancelled' }, transfers.tentacle);
    expect((await opening).kind).toBe('file.ready');
    await cancelled;
    await waitFor(() => world.log.find('push stopped').length > 0, {
      what: 'the push to stop',
      timeoutMs: 3000,
    });
    expect(existsSync(join(world.dirs.fstore, 'in', `.octopod-${body.transferId}.part`))).toBe(false);
    expect(world.tasks.reports).toEqual([]);
  });

  it('fails a push whose bytes do not match their sha256, leaving nothing in the target', async () => {
    const data = randomBytes(8 * KiB);
    const body = pushOf(data, { sha256: sha256(Buffer.from('something else')) });
    const result = await push(data, body);
    expect(result.state).toBe('failed');
    expect(result.error).toMatch(
      /^checksum mismatch: sha256 of the received bytes is [0-9a-f]{64}, expected/,
    );
    expect(readdirSync(join(world.dirs.fstore, 'in'))).toEqual([]);
  });

  it('fails an archive with an entry climbing out, naming it, and writes nothing outside or inside', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'ok.txt' }, 'fine');
    pack.entry({ name: '../evil' }, 'evil');
    pack.finalize();
    const data = await buffer(pack as unknown as NodeJS.ReadableStream);
    const result = await push(data, pushOf(data, { format: 'tar', name: 'evil.tar', target: '@fstore/t' }));
    expect(result.state).toBe('failed');
    expect(result.error).toBe(`archive refused: entry "../evil": '..' is not allowed in names`);
    expect(existsSync(join(world.dirs.fstore, 'evil'))).toBe(false);
    expect(readdirSync(join(world.dirs.fstore, 't'))).toEqual([]);
  });
});
