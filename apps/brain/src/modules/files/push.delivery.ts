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
import { askNode, DeliveryRuns, markFailed, markRunning, type DeliveryRun } from './delivery-runs';
import { progressReporter } from './transfer-progress';

const OFFER_TIMEOUT_MS = 30_000;

/**
 * Sends a blob to one node: offers it (`file.push`), the node says how much it already holds, then the bytes go
 * as chunks from there. The node's result (`task.result`, through the dispatcher) ends the invocation; a lost
 * link hands it back to the dispatcher, which offers it again when the node returns — and the node resumes.
 * `deliver` returns once the node took the offer: the bytes flow on their own, so a long transfer never holds up
 * the dispatch of other tasks.
 */
@Injectable()
export class PushDelivery implements InvocationDelivery {
  private readonly logger = new Logger('files');
  private readonly runs = new DeliveryRuns();

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
    const run = this.runs.start(invocation.id);
    if (!run) return; // already being delivered in this process
    const spec = (task.options as unknown as TaskOptions).file as FilePushSpec;
    const job = { ledger: this.ledger, logger: this.logger, runs: this.runs, run, invocation, requeue };
    const ready = await askNode<FileReady>(job, () =>
      session.request('file.push', offer(invocation, task, spec), OFFER_TIMEOUT_MS),
    );
    if (!ready) return;
    if (ready.finished || run.stopped || !(await markRunning(this.ledger, invocation.id))) {
      // Done already (the node re-sends its result), or cancelled / ended while the node answered.
      if (!ready.finished)
        session.trySend('file.abort', {
          transferId: invocation.id,
          reason: run.stopped ?? 'the invocation ended',
        });
      return this.runs.end(invocation.id, run);
    }
    void this.send({ invocation, task, session, spec, from: ready.offset, run, requeue }).catch(
      (error: Error) => {
        this.logger.error({ node: invocation.node, error: error.message }, 'push failed on the brain');
        void markFailed(this.ledger, invocation.id, `the brain could not send: ${error.message}`);
      },
    );
  }

  async cancel(invocation: Invocation): Promise<void> {
    this.runs.stop(invocation.id, 'cancelled');
  }

  private async send(job: {
    invocation: Invocation;
    task: Task;
    session: TentacleSession;
    spec: FilePushSpec;
    from: number;
    run: DeliveryRun;
    requeue: () => Promise<void>;
  }): Promise<void> {
    const { invocation, task, session, spec, run } = job;
    let requeue = false;
    const source = await this.blobs.sources.acquire(spec.blob, this.blobs.store.path(spec.blob));
    try {
      const sender = new ChunkSender(session.binary, invocation.id, source, {
        chunkBytes: this.config.files.chunkBytes,
        windowBytes: this.config.files.windowBytes,
        idleMs: this.config.files.idleTimeoutSeconds * 1000,
        onProgress: progressReporter(this.events, task.id, invocation.id, invocation.node),
      });
      session.transfers.addSender(sender);
      run.onStop((reason) => {
        sender.abort(reason);
        session.trySend('file.abort', { transferId: invocation.id, reason });
      });
      try {
        await sender.run(job.from);
      } catch (error) {
        if (run.stopped) return;
        if (!session.isOpen) {
          this.logger.warn(
            { node: invocation.node, at: sender.confirmed, size: spec.size },
            'push interrupted; will resume',
          );
          requeue = true;
        } else if (error instanceof ProtocolError && error.code === 'timeout') {
          session.trySend('file.abort', { transferId: invocation.id, reason: error.message });
          await markFailed(
            this.ledger,
            invocation.id,
            `${error.message} (at ${sender.confirmed} of ${spec.size} bytes)`,
          );
        } else {
          // The node stopped it (disk full, say): its result says why.
          this.logger.warn(
            { node: invocation.node, error: (error as Error).message },
            'push stopped by the node',
          );
        }
      } finally {
        session.transfers.removeSender(sender);
      }
    } finally {
      this.runs.end(invocation.id, run);
      await source.release();
    }
    if (requeue) await job.requeue();
  }
}

function offer(invocation: Invocation, task: Task, spec: FilePushSpec) {
  return {
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
    nodeapp: spec.nodeapp ?? null,
  };
}
