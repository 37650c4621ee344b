import { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';

/**
 * A WebSocket as a byte stream: binary messages in and out, with backpressure both ways. Destroying it closes
 * the WebSocket with a proper close frame, carrying `closeWith`'s code and reason when set.
 */
export class WebSocketDuplex extends Duplex {
  private close: { code: number; reason: string } = { code: 1000, reason: '' };

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data: RawData) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (!this.push(chunk)) ws.pause();
    });
    ws.once('close', () => {
      this.push(null);
      this.destroy();
    });
    ws.on('error', (error) => this.destroy(error));
  }

  /** The close code and reason the other side sees when this stream is destroyed. */
  closeWith(code: number, reason: string): void {
    this.close = { code, reason: Buffer.from(reason).subarray(0, 120).toString() };
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.ws.send(chunk, { binary: true }, done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.ws.close(this.close.code, this.close.reason);
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(this.close.code, this.close.reason);
    done(error);
  }
}
