import { ProtocolError } from '../codec';
import { chunkHeader, DEFAULT_CHUNK_BYTES } from './chunk-frame';

/** Where a sender's bytes come from: a file, or a cache several senders share. */
export interface ChunkSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

/** The link a sender writes to; throws when it is closed. */
export interface BinaryLink {
  sendBinary(frame: Buffer): void;
  /**
   * Optional: sends header and payload as one message without joining them (e.g. as two WebSocket fragments),
   * so a payload several transfers share is never copied.
   */
  sendChunk?(header: Buffer, payload: Buffer): void;
}

export interface ChunkSenderOptions {
  chunkBytes?: number;
  /** Bytes sent and not yet confirmed, at most: the bound on what sits in socket buffers for this transfer. */
  windowBytes?: number;
  /** Called as confirmations arrive. */
  onProgress?: (confirmed: number, size: number) => void;
  /**
   * Give up (rejecting with a `timeout` ProtocolError) when the receiver confirms nothing for this long while
   * bytes are waiting for confirmation: a node that stays connected with a hung disk. Default: no limit.
   */
  idleMs?: number;
}

export const DEFAULT_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * Sends one transfer's bytes as checksummed chunks with flow control: at most a window of unconfirmed bytes is
 * in flight; `ack` moves the window, `nack` rewinds to the chunk to send again. `run` resolves once every byte is
 * confirmed and rejects on `abort` (or when the link throws).
 */
export class ChunkSender {
  private next = 0;
  private confirmedBytes = 0;
  private wake: (() => void) | undefined;
  /** When the receiver last confirmed more bytes (or the run began). */
  private lastProgressAt = Date.now();
  private aborted: Error | undefined;
  /** Chunks sent again after a nack. */
  resent = 0;
  private readonly chunkBytes: number;
  private readonly windowBytes: number;

  constructor(
    private readonly link: BinaryLink,
    readonly transferId: string,
    private readonly source: ChunkSource,
    private readonly options: ChunkSenderOptions = {},
  ) {
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.windowBytes = Math.max(options.windowBytes ?? DEFAULT_WINDOW_BYTES, this.chunkBytes);
  }

  get confirmed(): number {
    return this.confirmedBytes;
  }

  get size(): number {
    return this.source.size;
  }

  /** Sends from `from` (what the receiver already holds) until everything is confirmed. */
  async run(from = 0): Promise<void> {
    this.next = this.confirmedBytes = Math.min(from, this.size);
    this.lastProgressAt = Date.now();
    for (;;) {
      if (this.aborted) throw this.aborted;
      if (this.confirmedBytes >= this.size) return;
      // Re-sending without ever being confirmed (a receiver that only nacks) is no progress either.
      if (this.options.idleMs !== undefined && Date.now() - this.lastProgressAt > this.options.idleMs) {
        this.abort(this.idleError(this.options.idleMs));
        continue;
      }
      if (this.next >= this.size || this.next - this.confirmedBytes >= this.windowBytes) {
        await this.waitForConfirmation();
        continue;
      }
      const offset = this.next;
      const payload = await this.source.read(offset, Math.min(this.chunkBytes, this.size - offset));
      if (this.aborted) throw this.aborted;
      if (offset !== this.next) continue; // a nack rewound us while reading
      const header = chunkHeader(this.transferId, offset, payload);
      if (this.link.sendChunk) this.link.sendChunk(header, payload);
      else this.link.sendBinary(Buffer.concat([header, payload]));
      this.next = offset + payload.length;
    }
  }

  /** Waits for an ack, a nack or an abort; gives up once nothing was confirmed for `idleMs` (nacks do not count). */
  private async waitForConfirmation(): Promise<void> {
    const idleMs = this.options.idleMs;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (idleMs === undefined) return;
      timer = setTimeout(
        () => this.abort(this.idleError(idleMs)),
        Math.max(0, this.lastProgressAt + idleMs - Date.now()),
      );
    });
    clearTimeout(timer);
  }

  private idleError(idleMs: number): ProtocolError {
    const seconds = Math.round(idleMs / 100) / 10;
    return new ProtocolError('timeout', `the receiver confirmed nothing for ${seconds} s`);
  }

  /** The receiver holds every byte before `offset`. */
  ack(offset: number): void {
    if (offset <= this.confirmedBytes) return;
    this.confirmedBytes = Math.min(offset, this.size);
    this.lastProgressAt = Date.now();
    if (this.next < this.confirmedBytes) this.next = this.confirmedBytes;
    this.options.onProgress?.(this.confirmedBytes, this.size);
    this.poke();
  }

  /** The chunk at `offset` must come again (bad checksum, or a gap after one). */
  nack(offset: number): void {
    const from = Math.max(offset, this.confirmedBytes);
    if (from >= this.next) return;
    this.next = from;
    this.resent++;
    this.poke();
  }

  abort(reason: string | Error): void {
    if (this.aborted) return;
    this.aborted = typeof reason === 'string' ? new ProtocolError('closed', reason) : reason;
    this.poke();
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
