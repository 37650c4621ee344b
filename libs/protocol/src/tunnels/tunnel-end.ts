import type { Duplex } from 'node:stream';
import { tunnelHeader } from './tunnel-frame';
import type { TunnelAck, TunnelClose } from './tunnel-messages';

/** How a tunnel end reaches the other end: binary frames and two control messages, over one link. */
export interface TunnelLink {
  /** Sends header + payload as one binary message; throws when the link is closed. */
  sendData(header: Buffer, payload: Buffer): void;
  sendAck(body: TunnelAck): void;
  sendClose(body: TunnelClose): void;
}

export interface TunnelEndOptions {
  /** Bytes sent and not yet acknowledged, at most; reading the local stream pauses at this mark. */
  windowBytes?: number;
  /** Called once when the tunnel is over, whichever end closed it. */
  onEnd?: (reason: string | undefined) => void;
}

/**
 * Also the bound on what one tunnel may buffer from the other end (2 windows): keep the link's frame limit
 * (`maxPayload`, 1 MiB for tunnel WebSockets, 4 MiB for the tentacle link) in mind when raising it.
 */
export const DEFAULT_TUNNEL_WINDOW_BYTES = 1024 * 1024;
/** How long a closed tunnel waits for its last bytes to be written before its stream is destroyed. */
const END_GRACE_MS = 10_000;
/** The largest payload of one tunnel frame: a socket read is cut into frames of at most this. */
export const MAX_TUNNEL_FRAME_PAYLOAD = 64 * 1024;

/**
 * One end of a tunnel: a local stream (a TCP socket to sshd, an ssh client's connection, a WebSocket stream)
 * tied to a tunnel id on a link. Bytes read from the stream go out as frames, at most a window ahead of the
 * other end's acknowledgements; bytes arriving are written to the stream and acknowledged once written.
 */
export class TunnelEnd {
  private inFlight = 0;
  private writing = 0;
  private written = 0;
  private over = false;
  private readonly header: Buffer;
  private readonly windowBytes: number;

  constructor(
    readonly tunnelId: string,
    private readonly stream: Duplex,
    private readonly link: TunnelLink,
    private readonly options: TunnelEndOptions = {},
  ) {
    this.header = tunnelHeader(tunnelId);
    this.windowBytes = options.windowBytes ?? DEFAULT_TUNNEL_WINDOW_BYTES;
    stream.once('end', () => this.finish(undefined, true));
    stream.once('close', () => this.finish(undefined, true));
    stream.once('error', (error: Error) => this.finish(error.message, true));
  }

  /**
   * Starts reading the local stream. Until then bytes only arrive: the brain opens its end before asking the
   * node, so the node's first bytes (sshd's banner) are never dropped, and starts reading once the node's end exists.
   */
  start(): this {
    if (!this.over) this.stream.on('data', (chunk: Buffer) => this.forward(chunk));
    return this;
  }

  get ended(): boolean {
    return this.over;
  }

  /** Bytes of the other end arrived: write them to the local stream. */
  receive(payload: Buffer): void {
    if (this.over) return;
    if (this.writing + payload.length > this.windowBytes * 2) {
      return this.finish('the other end sent far beyond its window', true);
    }
    this.writing += payload.length;
    this.stream.write(payload, () => this.wrote(payload.length));
  }

  /** The other end wrote `bytes` more: send on. */
  ack(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    if (this.inFlight < this.windowBytes && this.stream.isPaused() && !this.over) this.stream.resume();
  }

  /** The other end is done: flush what it sent, then close the local stream. */
  closedByOtherEnd(reason: string | undefined): void {
    if (this.over) return;
    this.over = true;
    this.stream.end(() => this.stream.destroy());
    // A peer that stopped reading never lets `end` finish: give it a while, then let go.
    setTimeout(() => this.stream.destroy(), END_GRACE_MS).unref();
    this.options.onEnd?.(reason);
  }

  /** The link is gone (or the owner gives up): close the local stream now, telling the other end if it can. */
  close(reason: string): void {
    this.finish(reason, true);
  }

  private forward(chunk: Buffer): void {
    if (this.over) return;
    for (let offset = 0; offset < chunk.length; offset += MAX_TUNNEL_FRAME_PAYLOAD) {
      const part = chunk.subarray(offset, offset + MAX_TUNNEL_FRAME_PAYLOAD);
      try {
        this.link.sendData(this.header, part);
      } catch {
        return this.finish('link closed', false);
      }
      this.inFlight += part.length;
    }
    if (this.inFlight >= this.windowBytes) this.stream.pause();
  }

  private wrote(bytes: number): void {
    this.writing -= bytes;
    this.written += bytes;
    // Acknowledge in batches, never holding back so much that the sender's window could fill.
    if (this.over || this.written < this.windowBytes / 4) return;
    const acked = this.written;
    this.written = 0;
    try {
      this.link.sendAck({ tunnelId: this.tunnelId, bytes: acked });
    } catch {
      this.finish('link closed', false);
    }
  }

  private finish(reason: string | undefined, tellOtherEnd: boolean): void {
    if (this.over) return;
    this.over = true;
    if (tellOtherEnd) {
      try {
        this.link.sendClose({ tunnelId: this.tunnelId, ...(reason ? { reason: reason.slice(0, 512) } : {}) });
      } catch {
        // the link is gone; the other end closes with it
      }
    }
    this.stream.destroy();
    this.options.onEnd?.(reason);
  }
}
