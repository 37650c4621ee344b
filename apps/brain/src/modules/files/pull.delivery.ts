import { Injectable, Logger } from '@nestjs/common';
import {
  ChecksumMismatchError,
  ChunkReceiver,
  ProtocolError,
  receiverSink,
  type FileSource,
} from '@octopod/protocol';
import type { Invocation, Task } from '../../generated/prisma/client';
import type { TentacleSession } from '../sessions/tentacle-session';
import { InvocationLedger } from '../tasks/invocation-ledger.service';
import type { InvocationDelivery } from '../tasks/task-dispatcher.service';
import { TaskEventsService } from '../tasks/task-events.service';
import type { FilePullSpec, TaskOptions } from '../tasks/task-options';
import { BlobService } from './blob.service';
import { progressReporter } from './transfer-progress';

/** Packing a large directory on the node may take a while before it can say what it offers. */
const SOURCE_TIMEOUT_MS = 10 * 60_000;

/** What a finished pull records as its invocation's output (JSON). */
export interface PulledFile {
  blob: string;
  size: number;
  format: FileSource['format'];
  type: FileSource['type'];
  name: string;
  mode: number;
}

class LinkLost extends Error {}

/**
 * Fetches a file or directory from one node into the blob store: asks the node to pack it (`file.pull`), then
 * reads it (`file.read` from what the brain already holds), writing and hashing on the way. A lost link keeps
 * the partial file; when the node returns the same transfer resumes (the node keeps its packed copy until
 * `file.done`, unless it restarted, in which case it packs again).
 */
@Injectable()
export class PullDelivery implements InvocationDelivery {
  private readonly logger = new Logger('files');
  private readonly active = new Map<string, (reason: string) => void>();

  constructor(
    private readonly blobs: BlobService,
    private readonly ledger: InvocationLedger,
    private readonly events: TaskEventsService,
  ) {}

  async deliver(
    invocation: Invocation,
    task: Task,
    session: TentacleSession,
    requeue: () => Promise<void>,
  ): Promise<void> {
    const spec = (task.options as unknown as TaskOptions).file as FilePullSpec;
    let source: FileSource;
    try {
      const reply = await session.request(
        'file.pull',
        {
          invocationId: invocation.id,
          transferId: invocation.id,
          path: spec.path,
          format: spec.format,
          zipPrefix: spec.zipPrefix,
        },
        SOURCE_TIMEOUT_MS,
      );
      source = reply.body as FileSource;
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'remote')
        return this.fail(invocation, error.message, true);
      this.logger.warn(
        { node: invocation.node, error: (error as Error).message },
        'pull not answered; will retry',
      );
      return requeue();
    }
    const now = new Date();
    await this.ledger.change({
      id: invocation.id,
      state: 'running',
      from: ['pending', 'delayed'],
      acceptedAt: now,
      startedAt: now,
    });
    // Named by transfer, so a resumed pull finds what the interrupted one wrote.
    const part = await this.blobs.store.tempPath(`pull-${invocation.id}.part`);
    const receiver = await ChunkReceiver.open(part, source.size, source.sha256);
    try {
      await this.receive(invocation, task, session, receiver);
      await receiver.finish();
      await this.blobs.adopt(part, { sha256: source.sha256, size: source.size });
    } catch (error) {
      if (error instanceof LinkLost) {
        await receiver.close();
        this.logger.warn(
          { node: invocation.node, at: receiver.offset, size: source.size },
          'pull interrupted; will resume',
        );
        return requeue();
      }
      await receiver.close(true);
      const reason =
        error instanceof ChecksumMismatchError
          ? `the pulled bytes are damaged: ${error.message}`
          : (error as Error).message;
      return this.fail(invocation, reason, true);
    } finally {
      this.active.delete(invocation.id);
    }
    this.tell(session, 'file.done', { transferId: invocation.id });
    const pulled: PulledFile = {
      blob: source.sha256,
      size: source.size,
      format: source.format,
      type: source.type,
      name: source.name,
      mode: source.mode,
    };
    await this.ledger.change({
      id: invocation.id,
      state: 'success',
      from: ['pending', 'delayed', 'running'],
      output: JSON.stringify(pulled),
      exitCode: 0,
      endedAt: new Date(),
    });
  }

  async cancel(invocation: Invocation): Promise<void> {
    this.active.get(invocation.id)?.('cancelled');
  }

  private receive(
    invocation: Invocation,
    task: Task,
    session: TentacleSession,
    receiver: ChunkReceiver,
  ): Promise<void> {
    const transferId = invocation.id;
    const progress = progressReporter(this.events, task.id, invocation.id, invocation.node);
    return new Promise<void>((resolve, reject) => {
      const sink = receiverSink(
        receiver,
        {
          ack: (offset) => {
            this.tell(session, 'file.ack', { transferId, offset });
            progress(offset, receiver.size);
          },
          nack: (offset, reason) => this.tell(session, 'file.nack', { transferId, offset, reason }),
        },
        {
          complete: resolve,
          failed: (error) => {
            this.tell(session, 'file.abort', { transferId, reason: error.message });
            reject(error);
          },
          aborted: (reason) => (session.isOpen ? reject(new Error(reason)) : reject(new LinkLost(reason))),
        },
      );
      session.transfers.addSink(transferId, sink);
      this.active.set(transferId, (reason) => {
        this.tell(session, 'file.abort', { transferId, reason });
        sink.abort(reason);
      });
      if (receiver.complete) return resolve();
      this.tell(session, 'file.read', { transferId, offset: receiver.offset });
    }).finally(() => session.transfers.removeSink(transferId));
  }

  private tell<K extends 'file.ack' | 'file.nack' | 'file.abort' | 'file.read' | 'file.done'>(
    session: TentacleSession,
    kind: K,
    body: Parameters<TentacleSession['link']['send']>[1] & object,
  ): void {
    try {
      session.link.send(kind, body as never);
    } catch {
      // The link closed; the sink hears of it from the transfer table.
    }
  }

  private async fail(invocation: Invocation, reason: string, accepted: boolean): Promise<void> {
    const at = new Date();
    await this.ledger.change({
      id: invocation.id,
      state: 'failed',
      from: ['pending', 'delayed', 'running'],
      ...(accepted ? { acceptedAt: at } : {}),
      endedAt: at,
      error: reason.replace(/^[a-z_]+: /, ''),
    });
  }
}
