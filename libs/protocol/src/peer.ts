import type { z } from 'zod';
import { decode, encode, ProtocolError } from './codec';
import type { Envelope } from './envelope';
import type { SchemaMap } from './messages';

/** The part of a WebSocket the peer needs; `ws.WebSocket` fits. */
export interface FrameSocket {
  send(data: string): void;
  readonly readyState: number;
}

const OPEN = 1;

/** What a handler may return: a reply sent back with `re` set to the request's id. */
export interface Reply<Out extends SchemaMap> {
  kind: Extract<keyof Out, string>;
  body: z.input<Out[keyof Out]>;
}

export type Handler<In extends SchemaMap, Out extends SchemaMap, K extends keyof In> = (
  body: z.infer<In[K]>,
  envelope: Envelope<Extract<K, string>, z.infer<In[K]>>,
) => Reply<Out> | void | Promise<Reply<Out> | void>;

/** One handler per inbound kind; the mapped type makes a missing kind a compile error. */
export type HandlerMap<In extends SchemaMap, Out extends SchemaMap> = {
  [K in keyof In]: Handler<In, Out, K>;
};

export interface PeerOptions {
  /** Called for frames that cannot be decoded and for handlers that throw. */
  onError?: (error: Error, envelope?: Envelope) => void;
  defaultTimeoutMs?: number;
}

interface Pending {
  resolve: (envelope: Envelope) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One end of the brain <-> tentacle link: encodes, decodes and validates frames, dispatches to handlers,
 * correlates requests with replies by envelope id. The owner feeds it frames (`receive`) and tells it when
 * the socket closed (`close`), so it works the same over any WebSocket.
 */
export class Peer<In extends SchemaMap, Out extends SchemaMap> {
  private readonly pending = new Map<string, Pending>();
  private closedReason: string | undefined;

  constructor(
    private readonly socket: FrameSocket,
    private readonly inbound: In,
    private readonly handlers: HandlerMap<In, Out>,
    private readonly options: PeerOptions = {},
  ) {}

  get pendingRequests(): number {
    return this.pending.size;
  }

  send<K extends Extract<keyof Out, string>>(kind: K, body: z.input<Out[K]>, re?: string): void {
    if (this.closedReason !== undefined || this.socket.readyState !== OPEN) {
      throw new ProtocolError('closed', `link closed${this.closedReason ? `: ${this.closedReason}` : ''}`);
    }
    this.socket.send(encode(kind, body, re));
  }

  /** Sends a request and resolves with the reply envelope; a remote `error` reply rejects. */
  request<K extends Extract<keyof Out, string>>(
    kind: K,
    body: z.input<Out[K]>,
    timeoutMs = this.options.defaultTimeoutMs ?? 10_000,
  ): Promise<Envelope<Extract<keyof In, string>>> {
    if (this.closedReason !== undefined || this.socket.readyState !== OPEN) {
      return Promise.reject(new ProtocolError('closed', 'link closed'));
    }
    const frame = encode(kind, body);
    const id = (JSON.parse(frame) as Envelope).id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('timeout', `no reply to ${kind} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject, timer });
      try {
        this.socket.send(frame);
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Feeds one text frame. Never throws: bad frames and failing handlers are answered with `error`. */
  async receive(text: string): Promise<void> {
    let envelope: Envelope<Extract<keyof In, string>>;
    try {
      envelope = decode(text, this.inbound);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (envelope.re && this.settle(envelope)) return;
    try {
      const handler = this.handlers[envelope.kind] as Handler<In, Out, keyof In>;
      const reply = await handler(envelope.body as z.infer<In[keyof In]>, envelope as never);
      if (reply && this.isOpen()) this.send(reply.kind, reply.body as never, envelope.id);
    } catch (error) {
      this.fail(error as Error, envelope);
    }
  }

  /** Rejects every waiting request; later sends throw. */
  close(reason = 'closed'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ProtocolError('closed', `link closed before reply: ${reason}`));
      this.pending.delete(id);
    }
  }

  private isOpen(): boolean {
    return this.closedReason === undefined && this.socket.readyState === OPEN;
  }

  private settle(envelope: Envelope): boolean {
    const pending = this.pending.get(envelope.re as string);
    if (!pending) return false;
    this.pending.delete(envelope.re as string);
    clearTimeout(pending.timer);
    if (envelope.kind === 'error') {
      const body = envelope.body as { code: string; message: string };
      pending.reject(new ProtocolError('remote', `${body.code}: ${body.message}`));
    } else {
      pending.resolve(envelope);
    }
    return true;
  }

  private fail(error: Error, envelope?: Envelope): void {
    this.options.onError?.(error, envelope);
    if (envelope?.kind === 'error' || !this.isOpen()) return;
    const code = error instanceof ProtocolError ? error.code : 'handler_failed';
    try {
      const re = envelope?.id ?? (error instanceof ProtocolError ? error.envelopeId : undefined);
      this.socket.send(encode('error', { code, message: error.message.slice(0, 4096) }, re));
    } catch {
      // The socket is going away; the owner sees the close.
    }
  }
}
