import type { ChunkReceiver } from './chunk-receiver';
import type { ChunkSink } from './transfer-table';

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
export function receiverSink(receiver: ChunkReceiver, replies: SinkReplies, events: SinkEvents): ChunkSink {
  let nackedAt = -1;
  let over = false;
  return {
    chunk(chunk) {
      if (over) return;
      receiver.write(chunk).then(
        (outcome) => {
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
