import {
  ChunkReceiver,
  ChunkSender,
  receiverSink,
  type BinaryLink,
  type FileReady,
  type FileSource,
} from '@octopod/protocol';
import { waitFor } from '@octopod/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeConnection } from './testing/fake-brain';
import { linkedTentacle, useLinkWorld } from './testing/linked-tentacle';
import { memorySource } from './testing/memory-transfers';
import { pushOf, sha256 } from './testing/file-world';

const world = useLinkWorld('tentacle-files-it-');

const linked = () => linkedTentacle(world);

/** The brain's binary link over a connection; `onFrame` sees each chunk before it goes. */
function binaryLink(
  connection: FakeConnection,
  onFrame: (index: number) => void = () => undefined,
): BinaryLink {
  let frames = 0;
  return {
    sendBinary(frame) {
      if (connection.socket.readyState !== connection.socket.OPEN) throw new Error('link closed');
      onFrame(frames++);
      connection.socket.send(frame, { binary: true });
    },
  };
}

describe('files over the link', () => {
  it('receives a push as binary chunks, resumes it after the connection drops, and reports the result', async () => {
    const { brain, connection, config } = await linked();
    const data = randomBytes(1024 * 1024);
    const body = pushOf(data, { target: '@fstore/up' });
    const first = (await connection.peer.request('file.push', body)).body as FileReady;
    expect(first).toEqual({ transferId: body.transferId, offset: 0, finished: false });
    const cut = new ChunkSender(
      binaryLink(connection, (index) => index === 6 && brain.dropAll()),
      body.transferId,
      memorySource(data),
      { chunkBytes: 64 * 1024, windowBytes: 128 * 1024 },
    );
    connection.transfers.addSender(cut);
    await expect(cut.run(0)).rejects.toThrow();

    const next = await brain.nextConnection(1);
    await next.hello;
    const resumed = ((await next.peer.request('file.push', body)).body as FileReady).offset;
    expect(resumed).toBeGreaterThan(0);
    expect(resumed).toBeLessThan(data.length);
    const rest = new ChunkSender(binaryLink(next), body.transferId, memorySource(data), {
      chunkBytes: 64 * 1024,
    });
    next.transfers.addSender(rest);
    await rest.run(resumed);
    const result = await waitFor(() => next.results.find((r) => r.invocationId === body.invocationId), {
      what: 'the push result',
    });
    expect(result).toMatchObject({ state: 'success', error: null });
    const placed = join(config.workspace.store, 'up', 'data.bin');
    expect(sha256(readFileSync(placed))).toBe(sha256(data));
  });

  it('offers a pull, sends it on file.read with flow control, and drops the packed copy on file.done', async () => {
    const { connection, config } = await linked();
    const data = randomBytes(700 * 1024);
    writeFileSync(join(config.workspace.store, 'log.bin'), data);
    const transferId = randomUUID();
    const pull = {
      invocationId: 'pull-1',
      transferId,
      path: 'log.bin',
      format: 'zip' as const,
      zipPrefix: '1.wrap',
    };
    const offer = (await connection.peer.request('file.pull', pull)).body as FileSource;
    expect(offer).toMatchObject({ transferId, format: 'zip', type: 'file', name: 'log.bin' });
    const packed = join(config.state.dir, 'transfers', `${transferId}.zip`);
    expect(existsSync(packed)).toBe(true);

    const dest = join(world.dir, `pulled-${transferId}.zip`);
    const receiver = await ChunkReceiver.open(dest, offer.size, offer.sha256);
    const complete = new Promise<void>((resolve, reject) =>
      connection.transfers.addSink(
        transferId,
        receiverSink(
          receiver,
          {
            ack: (offset) => connection.peer.send('file.ack', { transferId, offset }),
            nack: (offset, reason) => connection.peer.send('file.nack', { transferId, offset, reason }),
          },
          { complete: resolve, failed: reject, aborted: (reason) => reject(new Error(reason)) },
        ),
      ),
    );
    connection.peer.send('file.read', { transferId, offset: 0 });
    await complete;
    await receiver.finish();
    connection.peer.send('file.done', { transferId });
    await waitFor(() => !existsSync(packed), { what: 'the packed copy to go' });
  });
});
