import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeChunk, encodeChunk } from './chunk-frame';
import { ChecksumMismatchError, ChunkReceiver } from './chunk-receiver';
import { ChunkSender, type ChunkSource } from './chunk-sender';
import { FileChunkSource } from './file-source';
import { receiverSink } from './receive-sink';
import { TransferTable } from './transfer-table';

const KiB = 1024;

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function memorySource(data: Buffer): ChunkSource {
  return { size: data.length, read: async (offset, length) => data.subarray(offset, offset + length) };
}

/**
 * Wires a sender to a receiver the way the link does: frames travel asynchronously, the receiver acks each
 * written chunk and nacks a bad one. `tamper` may change a frame on its way.
 */
function wire(receiver: ChunkReceiver, tamper: (frame: Buffer, index: number) => Buffer = (f) => f) {
  let sender!: ChunkSender;
  let frames = 0;
  const link = {
    sendBinary(frame: Buffer) {
      const index = frames++;
      const arriving = tamper(Buffer.from(frame), index);
      setImmediate(async () => {
        const chunk = decodeChunk(arriving);
        const outcome = await receiver.write(chunk);
        if (outcome === 'written' || outcome === 'duplicate') sender.ack(receiver.offset);
        else if (outcome === 'corrupt' || outcome === 'gap') sender.nack(receiver.offset);
      });
    },
  };
  return {
    link,
    attach: (s: ChunkSender) => (sender = s),
    frames: () => frames,
  };
}

describe('chunk transfer', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'octopod-transfer-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('round-trips bytes exactly, never more than a window unconfirmed', async () => {
    const data = randomBytes(1000 * KiB + 7);
    const receiver = await ChunkReceiver.open(join(dir, 'part'), data.length, sha(data));
    let unconfirmedPeak = 0;
    const wires = wire(receiver, (frame) => {
      const { offset, payload } = decodeChunk(frame);
      unconfirmedPeak = Math.max(unconfirmedPeak, offset + payload.length - sender.confirmed);
      return frame;
    });
    const sender = new ChunkSender(wires.link, crypto.randomUUID(), memorySource(data), {
      chunkBytes: 64 * KiB,
      windowBytes: 256 * KiB,
    });
    wires.attach(sender);
    await sender.run(0);
    await receiver.finish();
    expect(await readFile(join(dir, 'part'))).toEqual(data);
    expect(unconfirmedPeak).toBeLessThanOrEqual(256 * KiB);
    // A correctness check, not a timing one: on a loaded 2-core machine 1 MB through the wire pair can take seconds.
  }, 20_000);

  it('detects a corrupted chunk and sends it again, once', async () => {
    const data = randomBytes(512 * KiB);
    const receiver = await ChunkReceiver.open(join(dir, 'part'), data.length, sha(data));
    const wires = wire(receiver, (frame, index) => {
      if (index === 2) frame[frame.length - 1] ^= 0xff;
      return frame;
    });
    const sender = new ChunkSender(wires.link, crypto.randomUUID(), memorySource(data), {
      chunkBytes: 64 * KiB,
      windowBytes: 64 * KiB,
    });
    wires.attach(sender);
    await sender.run(0);
    await receiver.finish();
    expect(await readFile(join(dir, 'part'))).toEqual(data);
    expect(sender.resent).toBe(1);
    expect(wires.frames()).toBe(9);
  });

  it('resumes from the bytes a partial file already holds', async () => {
    const data = randomBytes(300 * KiB);
    const path = join(dir, 'part');
    await writeFile(path, data.subarray(0, 128 * KiB));
    const receiver = await ChunkReceiver.open(path, data.length, sha(data));
    expect(receiver.offset).toBe(128 * KiB);
    const wires = wire(receiver);
    const sender = new ChunkSender(wires.link, crypto.randomUUID(), memorySource(data), {
      chunkBytes: 64 * KiB,
    });
    wires.attach(sender);
    await sender.run(receiver.offset);
    await receiver.finish();
    expect(await readFile(path)).toEqual(data);
    expect(wires.frames()).toBe(3);
  });

  it('starts over when the partial file is longer than the transfer', async () => {
    const path = join(dir, 'part');
    await writeFile(path, randomBytes(10 * KiB));
    const data = randomBytes(4 * KiB);
    const receiver = await ChunkReceiver.open(path, data.length, sha(data));
    expect(receiver.offset).toBe(0);
    await receiver.close(true);
  });

  it('refuses bytes whose whole-file sha256 is not the announced one', async () => {
    const data = randomBytes(8 * KiB);
    const receiver = await ChunkReceiver.open(join(dir, 'part'), data.length, sha(Buffer.from('other')));
    expect(await receiver.write(decodeChunk(encodeChunk(crypto.randomUUID(), 0, data)))).toBe('written');
    await expect(receiver.finish()).rejects.toBeInstanceOf(ChecksumMismatchError);
  });

  it('writes nothing for an out-of-order chunk, and ignores a duplicate', async () => {
    const data = randomBytes(8 * KiB);
    const id = crypto.randomUUID();
    const receiver = await ChunkReceiver.open(join(dir, 'part'), data.length, sha(data));
    expect(await receiver.write(decodeChunk(encodeChunk(id, 4 * KiB, data.subarray(4 * KiB))))).toBe('gap');
    expect(await receiver.write(decodeChunk(encodeChunk(id, 0, data.subarray(0, 4 * KiB))))).toBe('written');
    expect(await receiver.write(decodeChunk(encodeChunk(id, 0, data.subarray(0, 4 * KiB))))).toBe(
      'duplicate',
    );
    expect(receiver.offset).toBe(4 * KiB);
    await receiver.close(true);
  });

  it('rejects run() when aborted, e.g. because the link closed', async () => {
    const data = randomBytes(256 * KiB);
    const sender = new ChunkSender({ sendBinary: () => undefined }, crypto.randomUUID(), memorySource(data), {
      chunkBytes: 64 * KiB,
      windowBytes: 64 * KiB,
    });
    const running = sender.run(0);
    setTimeout(() => sender.abort('link closed'), 10);
    await expect(running).rejects.toThrow('link closed');
  });

  it('hands header and payload apart to a link that can send them unjoined, payload buffer untouched', async () => {
    const data = randomBytes(200 * KiB);
    const payloads: Buffer[] = [];
    const receiver = await ChunkReceiver.open(join(dir, 'part'), data.length, sha(data));
    const ref: { sender?: ChunkSender } = {};
    const link = {
      sendBinary: () => expect.fail('sendChunk is there'),
      sendChunk(header: Buffer, payload: Buffer) {
        payloads.push(payload);
        const chunk = decodeChunk(Buffer.concat([header, payload]));
        setImmediate(async () => {
          if ((await receiver.write(chunk)) === 'written') ref.sender?.ack(receiver.offset);
        });
      },
    };
    const sender = new ChunkSender(link, crypto.randomUUID(), memorySource(data), { chunkBytes: 64 * KiB });
    ref.sender = sender;
    await sender.run(0);
    await receiver.finish();
    expect(payloads.map((p) => p.length)).toEqual([65536, 65536, 65536, 8192]);
    expect(Buffer.concat(payloads).equals(data)).toBe(true);
  });

  it('refuses to write a partial file through a symlink put in its place', async () => {
    const victim = join(dir, 'victim');
    await writeFile(victim, 'keep me');
    await symlink(victim, join(dir, 'part'));
    await expect(ChunkReceiver.open(join(dir, 'part'), 10, sha(Buffer.alloc(10)))).rejects.toThrow(
      /not a plain file/,
    );
    expect(await readFile(victim, 'utf8')).toBe('keep me');
  });

  it('fails a transfer whose sender ignores the window, instead of queueing without end', async () => {
    const receiver = await ChunkReceiver.open(join(dir, 'part'), 1024 * KiB, sha(Buffer.alloc(0)));
    const failures: Error[] = [];
    const sink = receiverSink(
      receiver,
      { ack: () => undefined, nack: () => undefined },
      { complete: () => undefined, failed: (e) => failures.push(e), aborted: () => undefined },
      { maxQueuedBytes: 256 * KiB },
    );
    const id = crypto.randomUUID();
    for (let i = 0; i < 8; i++) sink.chunk(decodeChunk(encodeChunk(id, i * 64 * KiB, randomBytes(64 * KiB))));
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toMatch(/ahead of what was written/);
    await receiver.close(true);
  });

  it('aborts a sink or sender added after the link closed, instead of leaving it waiting', () => {
    const table = new TransferTable();
    table.closeAll('link closed');
    const aborted: string[] = [];
    table.addSink(crypto.randomUUID(), { chunk: () => undefined, abort: (reason) => aborted.push(reason) });
    expect(aborted).toEqual(['link closed']);
    const sender = new ChunkSender(
      { sendBinary: () => undefined },
      crypto.randomUUID(),
      memorySource(Buffer.alloc(10)),
    );
    table.addSender(sender);
    return expect(sender.run(0)).rejects.toThrow('link closed');
  });

  it('gives up when the receiver confirms nothing for the idle limit', async () => {
    const sender = new ChunkSender(
      { sendBinary: () => undefined },
      crypto.randomUUID(),
      memorySource(randomBytes(256 * KiB)),
      {
        chunkBytes: 64 * KiB,
        windowBytes: 64 * KiB,
        idleMs: 50,
      },
    );
    await expect(sender.run(0)).rejects.toThrow('the receiver confirmed nothing for 0.1 s');
  });

  it('counts only confirmations as progress: a receiver that keeps asking for chunks again still times out', async () => {
    const ref: { sender?: ChunkSender } = {};
    const link = { sendBinary: () => setImmediate(() => ref.sender?.nack(0)) };
    const sender = new ChunkSender(link, crypto.randomUUID(), memorySource(randomBytes(256 * KiB)), {
      chunkBytes: 64 * KiB,
      idleMs: 100,
    });
    ref.sender = sender;
    await expect(sender.run(0)).rejects.toThrow('confirmed nothing');
  });

  it('reads a file source in chunks', async () => {
    const data = randomBytes(100 * KiB);
    await writeFile(join(dir, 'src'), data);
    const source = await FileChunkSource.open(join(dir, 'src'));
    expect(source.size).toBe(data.length);
    expect(await source.read(10, 1000)).toEqual(data.subarray(10, 1010));
    await source.close();
  });
});
