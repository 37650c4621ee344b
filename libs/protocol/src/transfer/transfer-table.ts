import type { FileAbort, FileAck, FileNack } from '../files';
import { decodeChunk, type FileChunk } from './chunk-frame';
import type { ChunkSender } from './chunk-sender';

/** The receiving end of one transfer on a link. */
export interface ChunkSink {
  chunk(chunk: FileChunk): void;
  abort(reason: string): void;
}

/**
 * The transfers running over one link, by id: binary frames go to their sink, `file.ack`/`file.nack` to their
 * sender, `file.abort` to either. When the link closes every transfer on it is aborted (and resumes, if its
 * owner wants, on the next link).
 */
export class TransferTable {
  private readonly senders = new Map<string, ChunkSender>();
  private readonly sinks = new Map<string, ChunkSink>();
  /** Set by closeAll: the link is gone, so whatever is added later is aborted at once (it would wait forever). */
  private closedReason: string | undefined;

  addSender(sender: ChunkSender): void {
    if (this.closedReason !== undefined) return sender.abort(this.closedReason);
    this.senders.get(sender.transferId)?.abort('replaced by a newer send of the same transfer');
    this.senders.set(sender.transferId, sender);
  }

  removeSender(sender: ChunkSender): void {
    if (this.senders.get(sender.transferId) === sender) this.senders.delete(sender.transferId);
  }

  addSink(transferId: string, sink: ChunkSink): void {
    if (this.closedReason !== undefined) return sink.abort(this.closedReason);
    this.sinks.get(transferId)?.abort('replaced by a newer receive of the same transfer');
    this.sinks.set(transferId, sink);
  }

  removeSink(transferId: string, sink?: ChunkSink): void {
    if (!sink || this.sinks.get(transferId) === sink) this.sinks.delete(transferId);
  }

  get active(): number {
    return this.senders.size + this.sinks.size;
  }

  /** Routes a binary frame; false when it is not a chunk of a transfer we receive. */
  receiveBinary(frame: Buffer): boolean {
    let chunk: FileChunk;
    try {
      chunk = decodeChunk(frame);
    } catch {
      return false;
    }
    const sink = this.sinks.get(chunk.transferId);
    if (!sink) return false;
    sink.chunk(chunk);
    return true;
  }

  ack(ack: FileAck): void {
    this.senders.get(ack.transferId)?.ack(ack.offset);
  }

  nack(nack: FileNack): void {
    this.senders.get(nack.transferId)?.nack(nack.offset);
  }

  abort(abort: FileAbort): void {
    this.senders.get(abort.transferId)?.abort(`the other side stopped: ${abort.reason}`);
    this.sinks.get(abort.transferId)?.abort(abort.reason);
  }

  /** The link is gone: everything on it stops. */
  closeAll(reason: string): void {
    this.closedReason ??= reason;
    for (const sender of this.senders.values()) sender.abort(reason);
    for (const sink of this.sinks.values()) sink.abort(reason);
    this.senders.clear();
    this.sinks.clear();
  }
}
