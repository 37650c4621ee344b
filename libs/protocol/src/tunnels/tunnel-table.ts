import type { Duplex } from 'node:stream';
import { TunnelEnd, type TunnelEndOptions, type TunnelLink } from './tunnel-end';
import { decodeTunnelFrame } from './tunnel-frame';
import type { TunnelAck, TunnelClose } from './tunnel-messages';

const MAX_CLOSED_EARLY = 256;

/**
 * The tunnels running over one link, by id: tunnel frames go to their end, `tunnel.ack`/`tunnel.close` too.
 * When the link closes every tunnel on it closes (an ssh session does not survive a reconnect).
 */
export class TunnelTable {
  private readonly ends = new Map<string, TunnelEnd>();
  /** Tunnels the other end closed before this end opened them (a node still connecting when the client left). */
  private readonly closedEarly = new Map<string, string | undefined>();
  private closedReason: string | undefined;

  constructor(private readonly link: TunnelLink) {}

  get size(): number {
    return this.ends.size;
  }

  /** Ties `stream` to `tunnelId`; it reads the stream at once unless `deferStart` (then call `start()`). */
  open(
    tunnelId: string,
    stream: Duplex,
    options: TunnelEndOptions & { deferStart?: boolean } = {},
  ): TunnelEnd {
    this.ends.get(tunnelId)?.close('replaced by a newer tunnel of the same id');
    const end = new TunnelEnd(tunnelId, stream, this.link, {
      ...options,
      onEnd: (reason) => {
        if (this.ends.get(tunnelId) === end) this.ends.delete(tunnelId);
        options.onEnd?.(reason);
      },
    });
    this.ends.set(tunnelId, end);
    if (this.closedEarly.has(tunnelId)) {
      const reason = this.closedEarly.get(tunnelId);
      this.closedEarly.delete(tunnelId);
      end.closedByOtherEnd(reason ?? 'closed by the other end before it opened');
    } else if (this.closedReason !== undefined) end.close(this.closedReason);
    else if (!options.deferStart) end.start();
    return end;
  }

  /** Routes a binary frame; false when it is not a tunnel frame. Bytes of a tunnel already gone are dropped. */
  receiveBinary(frame: Buffer): boolean {
    const decoded = decodeTunnelFrame(frame);
    if (!decoded) return false;
    this.ends.get(decoded.tunnelId)?.receive(decoded.payload);
    return true;
  }

  ack(body: TunnelAck): void {
    this.ends.get(body.tunnelId)?.ack(body.bytes);
  }

  close(body: TunnelClose): void {
    const end = this.ends.get(body.tunnelId);
    if (end) return end.closedByOtherEnd(body.reason);
    // Maybe not opened yet: remember it (a bounded few), so the open that follows ends at once.
    if (this.closedEarly.size >= MAX_CLOSED_EARLY)
      this.closedEarly.delete(this.closedEarly.keys().next().value as string);
    this.closedEarly.set(body.tunnelId, body.reason);
  }

  /** The link is gone: every tunnel on it ends. */
  closeAll(reason: string): void {
    this.closedReason ??= reason;
    for (const end of [...this.ends.values()]) end.close(reason);
    this.ends.clear();
  }
}
