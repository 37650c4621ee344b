import {
  ChunkReceiver,
  receiverSink,
  type ChunkSink,
  type FilePush,
  type TaskResult,
} from '@octopod/protocol';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { sendAbort, type TransferEvents, type TransferLink } from './file-service';
import { describeFailure, pushResult } from './failure';
import { place, pushPaths } from './place';

export interface PushEnd {
  /** The push's result; null when it stopped without one (link closed, cancelled, replaced). */
  result: TaskResult | null;
  /** The partial file stays for a resume. */
  partKept: boolean;
}

export interface IncomingPushOptions {
  body: FilePush;
  /** The resolved target directory; it exists. */
  target: string;
  link: TransferLink;
  log: Logger;
  /** When this transfer was first asked for (a resume keeps the time of the first push). */
  startedAt: number;
  /**
   * Lays the verified bytes down by calling `place` and answers the result's `output` (a nodeapp's push places
   * and commits in its nodeapp's lane). Default: places, no output.
   */
  settle?(place: () => Promise<void>): Promise<string>;
  onEnd(end: PushEnd): void;
}

/**
 * One push being received: a partial file beside the target fed by the link's chunks, verified and laid down
 * when complete. A link that closes leaves the partial file for the next push of the same transfer; a cancel or a
 * failure removes it.
 */
export class IncomingPush {
  private phase: 'receiving' | 'placing' | 'ended' = 'receiving';
  private discard = false;
  private sink: ChunkSink | undefined;
  private readonly paths: { part: string; staging: string };
  private resolveEnded!: () => void;
  /** Resolves once nothing more is written for this push. */
  readonly ended = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  private constructor(
    private readonly options: IncomingPushOptions,
    private readonly receiver: ChunkReceiver,
  ) {
    this.paths = pushPaths(options.target, options.body.transferId);
  }

  /** Opens (or reopens, to resume) the partial file and takes the transfer's chunks from the link. */
  static async open(options: IncomingPushOptions): Promise<IncomingPush> {
    const { body, target } = options;
    const receiver = await ChunkReceiver.open(
      pushPaths(target, body.transferId).part,
      body.size,
      body.sha256,
    );
    const push = new IncomingPush(options, receiver);
    // Nothing more will arrive for a push that holds every byte already (empty, or complete before a restart).
    if (receiver.complete) setImmediate(() => void push.complete());
    else push.attach();
    return push;
  }

  /** Bytes held. */
  get offset(): number {
    return this.receiver.offset;
  }

  /** Every byte is here; it is being verified and laid down. */
  get placing(): boolean {
    return this.phase === 'placing';
  }

  /** Stops receiving; the partial file stays for a resume unless `discard`. Too late once placing. */
  stop(reason: string, discard: boolean): void {
    if (this.phase !== 'receiving') return;
    this.discard ||= discard;
    if (this.sink) {
      this.options.link.table.removeSink(this.options.body.transferId, this.sink);
      this.sink.abort(reason);
    } else void this.halt(reason);
  }

  private attach(): void {
    const { body, link } = this.options;
    const { transferId } = body;
    this.sink = receiverSink(
      this.receiver,
      {
        ack: (offset) => this.tell('file.ack', { transferId, offset }),
        nack: (offset, reason) => this.tell('file.nack', { transferId, offset, reason }),
      },
      {
        complete: () => void this.complete(),
        failed: (error) => void this.fail(error),
        aborted: (reason) => void this.halt(reason),
      },
    );
    link.table.addSink(transferId, this.sink);
  }

  private tell<K extends keyof TransferEvents>(kind: K, body: TransferEvents[K]): void {
    try {
      this.options.link.send(kind, body);
    } catch {
      // The link is down; the transfer resumes from the partial file on the next one.
    }
  }

  private async complete(): Promise<void> {
    if (this.phase !== 'receiving') return;
    this.phase = 'placing';
    const { body, target, log } = this.options;
    this.detachSink();
    let error: string | null = null;
    let output = '';
    try {
      await this.receiver.finish();
      const placeIt = () => place({ ...body, ...this.paths, target });
      if (this.options.settle) output = await this.options.settle(placeIt);
      else await placeIt();
    } catch (failure) {
      error = describeFailure(failure, this.where((failure as NodeJS.ErrnoException).path));
      log.warn({ transferId: body.transferId, target, err: error }, 'push not placed');
    }
    await this.cleanUp(true);
    if (error === null) log.info({ transferId: body.transferId, target, size: body.size }, 'push placed');
    const result = { ...pushResult(body.invocationId, this.options.startedAt, error), output };
    this.end({ result, partKept: false });
  }

  /** Writing failed (disk full, permissions): the brain's sender stops, the partial file goes. */
  private async fail(failure: Error): Promise<void> {
    if (this.phase !== 'receiving') return;
    this.phase = 'ended';
    const { body, link, log } = this.options;
    this.detachSink();
    const error = describeFailure(failure, this.where((failure as NodeJS.ErrnoException).path));
    log.warn({ transferId: body.transferId, err: error }, 'push failed while writing');
    sendAbort(link, body.transferId, error);
    await this.receiver.close(true).catch(() => undefined);
    await this.cleanUp(true);
    this.end({ result: pushResult(body.invocationId, this.options.startedAt, error), partKept: false });
  }

  /** The link closed, the brain cancelled, or a newer push of the same transfer took over. */
  private async halt(reason: string): Promise<void> {
    if (this.phase !== 'receiving') return;
    this.phase = 'ended';
    const { body, log } = this.options;
    await this.receiver.close(this.discard).catch((error: Error) => {
      log.warn({ transferId: body.transferId, err: error.message }, 'cannot close a partial file');
    });
    if (this.discard) await this.cleanUp(false);
    log.info(
      { transferId: body.transferId, offset: this.receiver.offset, reason, kept: !this.discard },
      'push stopped',
    );
    this.end({ result: null, partKept: !this.discard });
  }

  private detachSink(): void {
    if (this.sink) this.options.link.table.removeSink(this.options.body.transferId, this.sink);
  }

  /** Names a failing path as the user knows it: the target, not our partial file or staging directory. */
  private where(path: string | undefined): string {
    const { target, body } = this.options;
    const destination = body.format === 'file' ? join(target, body.name) : target;
    if (!path || path === this.paths.part) return destination;
    return path.startsWith(this.paths.staging) ? target + path.slice(this.paths.staging.length) : path;
  }

  private async cleanUp(part: boolean): Promise<void> {
    const removals = [rm(this.paths.staging, { recursive: true, force: true })];
    if (part) removals.push(rm(this.paths.part, { force: true }));
    await Promise.all(removals.map((removal) => removal.catch(() => undefined)));
  }

  private end(end: PushEnd): void {
    this.phase = 'ended';
    this.resolveEnded();
    this.options.onEnd(end);
  }
}
