import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChunkSender, ProtocolError, type FileReady } from '@octopod/protocol';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { Invocation, Task } from '../../generated/prisma/client';
import type { TentacleSession } from '../sessions/tentacle-session';
import { InvocationLedger } from '../tasks/invocation-ledger.service';
import type { InvocationDelivery } from '../tasks/task-dispatcher.service';
import { TaskEventsService } from '../tasks/task-events.service';
import type { FilePushSpec, TaskOptions } from '../tasks/task-options';
import { BlobService } from './blob.service';
import { progressReporter } from './transfer-progress';

const OFFER_TIMEOUT_MS = 30_000;

/**
 * Sends a blob to one node: offers it (`file.push`), the node says how much it already holds, then the bytes go
 * as chunks from there. The node's result (`task.result`, through the dispatcher) ends the invocation; a lost
 * link hands it back to the dispatcher, which offers it again when the node returns — and the node resumes.
 */
@Injectable()
export class PushDelivery implements InvocationDelivery {
  private readonly logger = new Logger('files');
  private readonly active = new Map<string, { sender: ChunkSender; session: TentacleSession }>();

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
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
    const spec = (task.options as unknown as TaskOptions).file as FilePushSpec;
    let ready: FileReady;
    try {
      const reply = await session.request(
        'file.push',
        {
          invocationId: invocation.id,
          taskId: task.id,
          transferId: invocation.id,
          size: spec.size,
          sha256: spec.blob,
          format: spec.format,
          name: spec.name,
          target: spec.path,
          force: spec.force,
          mode: spec.mode,
        },
        OFFER_TIMEOUT_MS,
      );
      ready = reply.body as FileReady;
    } catch (error) {
      return this.offerFailed(invocation, error as Error, requeue);
    }
    const now = new Date();
    await this.ledger.change({
      id: invocation.id,
      state: 'running',
      from: ['pending', 'delayed'],
      acceptedAt: now,
      startedAt: now,
    });
    if (ready.finished) return; // the node re-sends its result
    await this.send(invocation, task, session, { spec, from: ready.offset, requeue });
  }

  async cancel(invocation: Invocation): Promise<void> {
    const running = this.active.get(invocation.id);
    if (!running) return;
    running.sender.abort('cancelled');
    try {
      running.session.link.send('file.abort', { transferId: invocation.id, reason: 'cancelled' });
    } catch {
      // The link is gone; the node keeps a partial file that nothing will finish.
    }
  }

  private async send(
    invocation: Invocation,
    task: Task,
    session: TentacleSession,
    { spec, from, requeue }: { spec: FilePushSpec; from: number; requeue: () => Promise<void> },
  ): Promise<void> {
    const source = await this.blobs.sources.acquire(spec.blob, this.blobs.store.path(spec.blob));
    const sender = new ChunkSender(session.binary, invocation.id, source, {
      chunkBytes: this.config.files.chunkBytes,
      windowBytes: this.config.files.windowBytes,
      onProgress: progressReporter(this.events, task.id, invocation.id, invocation.node),
    });
    session.transfers.addSender(sender);
    this.active.set(invocation.id, { sender, session });
    try {
      await sender.run(from);
    } catch (error) {
      if (!session.isOpen) {
        this.logger.warn(
          { node: invocation.node, at: sender.confirmed, size: spec.size },
          'push interrupted; will resume',
        );
        await requeue();
      } else {
        // The node stopped it (disk full, cancelled): its result says why.
        this.logger.warn({ node: invocation.node, error: (error as Error).message }, 'push stopped');
      }
    } finally {
      session.transfers.removeSender(sender);
      if (this.active.get(invocation.id)?.sender === sender) this.active.delete(invocation.id);
      await source.release();
    }
  }

  /** The node refused the offer (a bad path): the invocation failed; no answer at all: try again later. */
  private async offerFailed(
    invocation: Invocation,
    error: Error,
    requeue: () => Promise<void>,
  ): Promise<void> {
    if (error instanceof ProtocolError && error.code === 'remote') {
      const at = new Date();
      await this.ledger.change({
        id: invocation.id,
        state: 'failed',
        from: ['pending', 'delayed', 'running'],
        acceptedAt: at,
        endedAt: at,
        error: error.message.replace(/^[a-z_]+: /, ''),
      });
      return;
    }
    this.logger.warn({ node: invocation.node, error: error.message }, 'push offer not answered; will retry');
    await requeue();
  }
}
