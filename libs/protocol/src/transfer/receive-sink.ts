import type { ChunkReceiver } from './chunk-receiver';
import type { ChunkSink } from './transfer-table';

/** Bytes received and not yet written, at most (a few windows): beyond that the sender is not playing fair. */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;

/** How a receiving side answers the sender. */
export interface SinkReplies {
  ack(offset: number): void;
  nack(offset: number, reason: string): void;
}

export interface SinkEvents {
  /** Every byte is written (not yet verified: call `receiver.finish()`). Called once. */
  complete(): void;
  /** Writing failed (e.g. the disk is full). Called once; nothing more is written. */
  failed(error: Error): void;
  /** The link closed or the sender gave up. */
  aborted(reason: string): void;
}

/**
 * Connects a receiver to a link: writes each chunk, confirms what is written, and asks once per stall for the
 * chunk it needs (a bad chunk makes every later in-flight chunk a gap; nacking each of those would make the
 * sender rewind again and again).
 */
export function receiverSink(
  receiver: ChunkReceiver,
  replies: SinkReplies,
  events: SinkEvents,
  options: { maxQueuedBytes?: number } = {},
): ChunkSink {
  const maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  let nackedAt = -1;
  let over = false;
  let queued = 0;
  return {
    chunk(chunk) {
      if (over) return;
      // A sender that honours its window never gets near this; one that floods would grow our memory without end.
      queued += chunk.payload.length;
      if (queued > maxQueued) {
        over = true;
        events.failed(new Error(`the sender sent more than ${maxQueued} bytes ahead of what was written`));
        return;
      }
      receiver.write(chunk).then(
        (outcome) => {
          queued -= chunk.payload.length;
          if (over) return;
          if (outcome === 'written' || outcome === 'duplicate') {
            nackedAt = -1;
            replies.ack(receiver.offset);
            if (receiver.complete) {
              over = true;
              events.complete();
            }
          } else if (nackedAt !== receiver.offset) {
            nackedAt = receiver.offset;
            replies.nack(
              receiver.offset,
              outcome === 'corrupt' ? 'chunk checksum mismatch' : 'chunk out of order',
            );
          }
        },
        (error: Error) => {
          queued -= chunk.payload.length;
          if (over) return;
          over = true;
          events.failed(error);
        },
      );
    },
    abort(reason) {
      if (over) return;
      over = true;
      events.aborted(reason);
    },
  };
}
