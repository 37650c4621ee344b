import {
  ChunkReceiver,
  ChunkSender,
  receiverSink,
  TransferTable,
  type BinaryLink,
  type ChunkSource,
  type FileAbort,
  type FileNack,
  type FileSource,
  type TaskResult,
} from '@octopod/protocol';
import { waitFor } from '@octopod/testing';
import { noTasks, type TaskService } from '../exec/task-service';
import type { TransferEvents, TransferLink } from '../files/file-service';

/** Frames in flight are copied and delivered on a later turn of the event loop, as over a socket. */
function later(deliver: () => void): void {
  setImmediate(deliver);
}

/**
 * Both ends of one session's transfers in memory: `tentacle` is what the file service gets; the brain's end has
 * its own table, to which its senders are added. `tamper` may change (or drop, returning null) a chunk on its
 * way to the tentacle. `close()` is the link going down.
 */
export class MemoryTransfers {
  readonly brain = new TransferTable();
  readonly tentacle: TransferLink;
  /** Upstream control messages, in order. */
  readonly sent: { kind: keyof TransferEvents; body: TransferEvents[keyof TransferEvents] }[] = [];
  /** Chunks sent to the tentacle so far. */
  framesDown = 0;
  private closed = false;
  readonly brainLink: BinaryLink;

  constructor(private readonly tamper: (frame: Buffer, index: number) => Buffer | null = (frame) => frame) {
    const tentacleTable = new TransferTable();
    this.tentacle = {
      table: tentacleTable,
      sendBinary: (frame) => {
        this.refuseIfClosed();
        const copy = Buffer.from(frame);
        later(() => !this.closed && this.brain.receiveBinary(copy));
      },
      send: (kind, body) => {
        this.refuseIfClosed();
        this.sent.push({ kind, body });
        later(() => {
          if (this.closed) return;
          if (kind === 'file.ack') this.brain.ack(body as TransferEvents['file.ack']);
          else if (kind === 'file.nack') this.brain.nack(body as FileNack);
          else this.brain.abort(body as FileAbort);
        });
      },
    };
    this.brainLink = {
      sendBinary: (frame) => {
        this.refuseIfClosed();
        const index = this.framesDown++;
        const arriving = this.tamper(Buffer.from(frame), index);
        if (arriving) later(() => !this.closed && tentacleTable.receiveBinary(arriving));
      },
    };
  }

  /** Sends `source` as the brain does after `file.ready`: from `offset`, until every byte is confirmed. */
  send(
    transferId: string,
    source: ChunkSource,
    offset: number,
    chunkBytes = 64 * 1024,
  ): Promise<ChunkSender> {
    const sender = new ChunkSender(this.brainLink, transferId, source, {
      chunkBytes,
      windowBytes: chunkBytes * 2,
    });
    this.brain.addSender(sender);
    return sender.run(offset).then(() => sender);
  }

  /**
   * Receives an offered pull into `path` as the brain does, resuming from what it holds: `start` asks for the
   * bytes from that offset (`file.read`). Resolves once every byte is written.
   */
  async receive(
    offer: FileSource,
    path: string,
    start: (offset: number) => Promise<void>,
  ): Promise<ChunkReceiver> {
    const receiver = await ChunkReceiver.open(path, offer.size, offer.sha256);
    await new Promise<void>((resolve, reject) => {
      this.brain.addSink(
        offer.transferId,
        receiverSink(
          receiver,
          {
            ack: (offset) => later(() => this.tentacle.table.ack({ transferId: offer.transferId, offset })),
            nack: (offset, reason) =>
              later(() => this.tentacle.table.nack({ transferId: offer.transferId, offset, reason })),
          },
          { complete: resolve, failed: reject, aborted: (reason) => reject(new Error(reason)) },
        ),
      );
      if (receiver.complete) resolve();
      else start(receiver.offset).catch(reject);
    });
    return receiver;
  }

  aborts(): FileAbort[] {
    return this.sent.filter((m) => m.kind === 'file.abort').map((m) => m.body as FileAbort);
  }

  close(): void {
    this.closed = true;
    this.tentacle.table.closeAll('link closed');
    this.brain.closeAll('link closed');
  }

  private refuseIfClosed(): void {
    if (this.closed) throw new Error('link closed');
  }
}

export function memorySource(data: Buffer): ChunkSource {
  return { size: data.length, read: async (offset, length) => data.subarray(offset, offset + length) };
}

/** The task service's part a file service uses: results reported, kept until the test says otherwise. */
export class RecordingTasks implements Pick<TaskService, 'report' | 'spooledResult'> {
  readonly reports: TaskResult[] = [];
  readonly spool = new Map<string, TaskResult>();

  report(result: TaskResult): void {
    this.reports.push(result);
    this.spool.set(result.invocationId, result);
  }

  spooledResult(invocationId: string): TaskResult | undefined {
    return this.spool.get(invocationId);
  }

  resultOf(invocationId: string): Promise<TaskResult> {
    return waitFor(() => this.reports.find((r) => r.invocationId === invocationId), {
      what: `result of ${invocationId}`,
      intervalMs: 5,
    });
  }

  /** As a TaskService that runs no tasks. */
  asService(): TaskService {
    return {
      ...noTasks,
      report: (result) => this.report(result),
      spooledResult: (id) => this.spooledResult(id),
    };
  }
}
