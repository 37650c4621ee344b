/** Live output: how a stream's bytes are cut into `task.output` chunks and what is kept for the result. */

/** A chunk is sent once this many bytes are waiting... */
export const CHUNK_MAX_BYTES = 16 * 1024;
/** ...or this long after the first waiting byte arrived. */
export const CHUNK_DELAY_MS = 50;
/** The result carries the last this-many bytes of each stream (the whole stream went by as chunks). */
export const TAIL_MAX_BYTES = 64 * 1024;

/**
 * Length of the longest prefix of `buf` that does not end inside a UTF-8 sequence, so decoding it never turns a
 * character split across two reads into replacement characters. Bytes that cannot start a valid sequence are
 * left to the decoder.
 */
export function utf8CompleteLength(buf: Uint8Array): number {
  const end = buf.length;
  // A sequence is at most 4 bytes: look back at most 3 bytes for the lead byte of the last one.
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    const byte = buf[i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need =
      byte >= 0xf0 && byte <= 0xf4
        ? 4
        : byte >= 0xe0 && byte < 0xf0
          ? 3
          : byte >= 0xc2 && byte < 0xe0
            ? 2
            : 1;
    return end - i >= need ? end : i;
  }
  return end;
}

/** Skips the continuation bytes a cut at an arbitrary byte may have left at the start. */
export function utf8StartOffset(buf: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < buf.length && (buf[i] & 0xc0) === 0x80) i++;
  return i;
}

/**
 * The last `maxBytes` of `buf` as text, cut at a character boundary. `cut` says whether bytes before `buf` were
 * dropped already (then its start may be mid-character too).
 */
export function utf8Tail(buf: Buffer, maxBytes: number, cut = false): string {
  const tail = buf.length > maxBytes ? buf.subarray(buf.length - maxBytes) : buf;
  return tail.subarray(cut || buf.length > maxBytes ? utf8StartOffset(tail) : 0).toString('utf8');
}

/** Keeps the last `maxBytes` bytes written to it, without holding more than twice that. */
export class TailBuffer {
  private parts: Buffer[] = [];
  private size = 0;
  private cut = false;

  constructor(private readonly maxBytes = TAIL_MAX_BYTES) {}

  write(data: Buffer): void {
    this.parts.push(data);
    this.size += data.length;
    if (this.size > 2 * this.maxBytes) this.compact();
  }

  text(): string {
    return utf8Tail(Buffer.concat(this.parts), this.maxBytes, this.cut);
  }

  private compact(): void {
    const all = Buffer.concat(this.parts);
    const kept = all.subarray(all.length - this.maxBytes);
    this.parts = [Buffer.from(kept)];
    this.size = kept.length;
    this.cut = true;
  }
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  /** Byte offset of the chunk's first byte in its stream. */
  offset: number;
  data: string;
}

/** Timer functions, injectable so tests can drive the batching clock. */
export interface BatchTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: BatchTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * One output stream of a process: batches bytes into chunks of at most CHUNK_MAX_BYTES, sent when that many are
 * waiting or CHUNK_DELAY_MS after the first waiting byte; never splits a UTF-8 character between chunks; numbers
 * chunks by byte offset; keeps the tail for the result.
 */
export class OutputStream {
  private pending: Buffer = Buffer.alloc(0);
  private offset = 0;
  private timer: unknown;
  private readonly tail = new TailBuffer();

  constructor(
    private readonly stream: OutputChunk['stream'],
    private readonly emit: (chunk: OutputChunk) => void,
    private readonly timers: BatchTimers = realTimers,
  ) {}

  write(data: Buffer): void {
    if (data.length === 0) return;
    this.tail.write(data);
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (this.pending.length >= CHUNK_MAX_BYTES) this.drain(false);
    if (this.pending.length > 0 && this.timer === undefined) {
      this.timer = this.timers.set(() => {
        this.timer = undefined;
        this.drain(false);
      }, CHUNK_DELAY_MS);
    }
  }

  /** Sends everything still waiting (an incomplete trailing character too: the stream has ended). */
  end(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.drain(true);
  }

  /** Everything sent so far, in bytes. */
  get bytes(): number {
    return this.offset;
  }

  tailText(): string {
    return this.tail.text();
  }

  private drain(final: boolean): void {
    while (this.pending.length > 0) {
      let size = Math.min(this.pending.length, CHUNK_MAX_BYTES);
      const complete = utf8CompleteLength(this.pending.subarray(0, size));
      // Keep a split character for the next chunk, unless nothing else is left to send.
      if (complete > 0 || !final) size = complete;
      if (size === 0) break;
      const bytes = this.pending.subarray(0, size);
      this.pending = this.pending.subarray(size);
      this.emit({ stream: this.stream, offset: this.offset, data: bytes.toString('utf8') });
      this.offset += size;
      if (!final && this.pending.length < CHUNK_MAX_BYTES) break;
    }
  }
}
