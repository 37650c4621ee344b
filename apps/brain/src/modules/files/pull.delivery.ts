import { Inject, Injectable, Logger } from '@nestjs/common';
import { ChecksumMismatchError, ChunkReceiver, receiverSink, type FileSource } from '@octopod/protocol';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { Invocation, Task } from '../../generated/prisma/client';
import type { TentacleSession } from '../sessions/tentacle-session';
import { InvocationLedger } from '../tasks/invocation-ledger.service';
import type { InvocationDelivery } from '../tasks/task-dispatcher.service';
import { TaskEventsService } from '../tasks/task-events.service';
import type { FilePullSpec, TaskOptions } from '../tasks/task-options';
import { BlobService } from './blob.service';
import { askNode, DeliveryRuns, markFailed, markRunning, type DeliveryRun } from './delivery-runs';
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
 * `file.done`; if it packed again and the bytes differ, the partial file is not reused). `deliver` returns once
 * the node made its offer; the bytes flow on their own.
 */
@Injectable()
export class PullDelivery implements InvocationDelivery {
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
    if (!run) return;
    const spec = (task.options as unknown as TaskOptions).file as FilePullSpec;
    const job = { ledger: this.ledger, logger: this.logger, runs: this.runs, run, invocation, requeue };
    const body = { invocationId: invocation.id, transferId: invocation.id, ...pullOf(spec) };
    const source = await askNode<FileSource>(job, () =>
      session.request('file.pull', body, SOURCE_TIMEOUT_MS),
    );
    if (!source) return;
    if (run.stopped || !(await markRunning(this.ledger, invocation.id))) {
      session.trySend('file.abort', {
        transferId: invocation.id,
        reason: run.stopped ?? 'the invocation ended',
      });
      return this.runs.end(invocation.id, run);
    }
    void this.fetch({ invocation, task, session, source, run, requeue }).catch((error: Error) => {
      this.logger.error({ node: invocation.node, error: error.message }, 'pull failed on the brain');
      void markFailed(this.ledger, invocation.id, `the brain could not store the pull: ${error.message}`);
    });
  }

  async cancel(invocation: Invocation): Promise<void> {
    this.runs.stop(invocation.id, 'cancelled');
  }

  private async fetch(job: {
    invocation: Invocation;
    task: Task;
    session: TentacleSession;
    source: FileSource;
    run: DeliveryRun;
    requeue: () => Promise<void>;
  }): Promise<void> {
    const { invocation, session, source, run } = job;
    // Named by transfer and content, so a resumed pull finds what the interrupted one wrote — and only that.
    const part = await this.blobs.store.tempPath(`pull-${invocation.id}-${source.sha256}.part`);
    const receiver = await ChunkReceiver.open(part, source.size, source.sha256);
    let lost = false;
    try {
      await this.receive(job, receiver);
      await receiver.finish();
      await this.blobs.adopt(part, { sha256: source.sha256, size: source.size });
    } catch (error) {
      if (error instanceof LinkLost) {
        await receiver.close();
        this.logger.warn(
          { node: invocation.node, at: receiver.offset, size: source.size },
          'pull interrupted; will resume',
        );
        lost = true;
      } else {
        await receiver.close(true);
        if (run.stopped) return;
        const reason =
          error instanceof ChecksumMismatchError
            ? `the pulled bytes are damaged: ${error.message}`
            : (error as Error).message;
        return markFailed(this.ledger, invocation.id, reason);
      }
    } finally {
      this.runs.end(invocation.id, run);
    }
    if (lost) return job.requeue();
    session.trySend('file.done', { transferId: invocation.id });
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

  private receive(
    job: { invocation: Invocation; task: Task; session: TentacleSession; run: DeliveryRun },
    receiver: ChunkReceiver,
  ): Promise<void> {
    const { invocation, task, session, run } = job;
    const transferId = invocation.id;
    const progress = progressReporter(this.events, task.id, invocation.id, invocation.node);
    const idleMs = this.config.files.idleTimeoutSeconds * 1000;
    let idle: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve, reject) => {
      // A node that stays connected but sends nothing (a hung disk) fails the pull after the idle limit.
      const watch = () => {
        clearTimeout(idle);
        idle = setTimeout(() => {
          const reason = `the node sent nothing for ${idleMs / 1000} s`;
          session.trySend('file.abort', { transferId, reason });
          sink.abort(reason);
        }, idleMs);
      };
      const sink = receiverSink(
        receiver,
        {
          ack: (offset) => {
            watch();
            session.trySend('file.ack', { transferId, offset });
            progress(offset, receiver.size);
          },
          nack: (offset, reason) => session.trySend('file.nack', { transferId, offset, reason }),
        },
        {
          complete: resolve,
          failed: (error) => {
            session.trySend('file.abort', { transferId, reason: error.message });
            reject(error);
          },
          aborted: (reason) =>
            reject(session.isOpen || run.stopped ? new Error(reason) : new LinkLost(reason)),
        },
      );
      session.transfers.addSink(transferId, sink);
      run.onStop((reason) => {
        session.trySend('file.abort', { transferId, reason });
        sink.abort(reason);
      });
      if (receiver.complete) return resolve();
      watch();
      session.trySend('file.read', { transferId, offset: receiver.offset });
    }).finally(() => {
      clearTimeout(idle);
      session.transfers.removeSink(transferId);
    });
  }
}

function pullOf(spec: FilePullSpec) {
  return { path: spec.path, format: spec.format, zipPrefix: spec.zipPrefix };
}
