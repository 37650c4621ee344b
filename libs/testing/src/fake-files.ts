import {
  ChunkSender,
  TransferTable,
  type BinaryLink,
  type FileChunk,
  type FilePush,
  type TreeEntry,
} from '@octopod/protocol';
import { createHash } from 'node:crypto';

/** What a fake tentacle holds for a pull: the bytes it offers. */
export interface FakeFile {
  data: Buffer;
  type: 'file' | 'dir';
  format?: 'file' | 'tar' | 'zip';
}

/** How a fake tentacle answers file requests (everything optional). */
export interface FakeFilesOptions {
  /** Refuse a push with an `error` reply (code, message), e.g. Octopoda's `target path not exist`. */
  refusePush?: (push: FilePush) => { code: string; message: string } | undefined;
  /** Damage the n-th chunk received (0-based) once: its crc no longer matches. */
  corruptChunk?: number;
  /** Stop confirming once this many bytes of a push are in (a hung disk): the brain's window fills and waits. */
  stallAfterBytes?: number;
  /** Files to offer on `file.pull`, by path. */
  files?: Record<string, FakeFile>;
  tree?: Record<string, TreeEntry[]>;
}

/** One push as the fake received it. */
export interface ReceivedPush {
  push: FilePush;
  data: Buffer[];
  bytes: number;
  /** Chunks that failed their check (and were asked for again). */
  rejected: number;
  done: boolean;
}

/**
 * The file side of the fake tentacle: receives pushes into memory (acking, nacking a damaged chunk, resuming
 * from what it holds when the same transfer is offered again) and serves pulls from memory.
 */
export class FakeFiles {
  readonly pushes = new Map<string, ReceivedPush>();
  transfers = new TransferTable();
  private chunksSeen = 0;
  private nackedAt = -1;
  private readonly offered = new Map<string, Buffer>();

  constructor(
    private readonly options: FakeFilesOptions,
    private readonly tell: (kind: 'file.ack' | 'file.nack', body: never) => void,
    private readonly link: BinaryLink,
    private readonly finished: (invocationId: string, ok: boolean, error: string | null) => void,
  ) {}

  /** A new connection: transfers of the old one are gone (what was received is kept, to resume). */
  reset(): void {
    this.transfers.closeAll('link closed');
    this.transfers = new TransferTable();
  }

  push(push: FilePush) {
    const refusal = this.options.refusePush?.(push);
    if (refusal) return { kind: 'error' as const, body: refusal };
    let received = this.pushes.get(push.transferId);
    if (!received) {
      received = { push, data: [], bytes: 0, rejected: 0, done: false };
      this.pushes.set(push.transferId, received);
    }
    const state = received;
    if (state.done)
      return {
        kind: 'file.ready' as const,
        body: { transferId: push.transferId, offset: push.size, finished: true },
      };
    this.transfers.addSink(push.transferId, {
      chunk: (chunk) => this.accept(state, chunk),
      abort: () => undefined,
    });
    if (push.size === 0) setImmediate(() => this.complete(state));
    return {
      kind: 'file.ready' as const,
      body: { transferId: push.transferId, offset: state.bytes, finished: false },
    };
  }

  pull(body: { transferId: string; path: string }) {
    const file = this.options.files?.[body.path];
    if (!file)
      return {
        kind: 'error' as const,
        body: { code: 'not_found', message: `file or path not found: ${body.path}` },
      };
    this.offered.set(body.transferId, file.data);
    return {
      kind: 'file.source' as const,
      body: {
        transferId: body.transferId,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        format: file.format ?? (file.type === 'dir' ? ('tar' as const) : ('file' as const)),
        type: file.type,
        name: body.path.split('/').pop() || body.path,
        mode: 0o644,
      },
    };
  }

  read(body: { transferId: string; offset: number }): void {
    const data = this.offered.get(body.transferId);
    if (!data) return;
    const sender = new ChunkSender(this.link, body.transferId, {
      size: data.length,
      read: async (offset, length) => data.subarray(offset, offset + length),
    });
    this.transfers.addSender(sender);
    sender
      .run(body.offset)
      .catch(() => undefined)
      .finally(() => this.transfers.removeSender(sender));
  }

  tree(body: { path: string }) {
    const entries = this.options.tree?.[body.path];
    if (!entries)
      return {
        kind: 'error' as const,
        body: { code: 'not_found', message: `file or path not found: ${body.path}` },
      };
    return { kind: 'file.tree.result' as const, body: { path: `/fake/${body.path}`, entries } };
  }

  /** The bytes of a push received so far. */
  bytesOf(transferId: string): Buffer {
    return Buffer.concat(this.pushes.get(transferId)?.data ?? []);
  }

  private accept(state: ReceivedPush, chunk: FileChunk): void {
    // A hung disk: nothing more is written, confirmed or asked for.
    if (this.options.stallAfterBytes !== undefined && state.bytes >= this.options.stallAfterBytes) return;
    const index = this.chunksSeen++;
    const damaged = index === this.options.corruptChunk || !chunk.intact;
    const { transferId } = state.push;
    if (chunk.offset + chunk.payload.length <= state.bytes) {
      this.tell('file.ack', { transferId, offset: state.bytes } as never);
      return;
    }
    if (damaged || chunk.offset !== state.bytes) {
      if (damaged) state.rejected++;
      // Once per stall: the chunks already on their way after a bad one are gaps, not new requests.
      if (this.nackedAt !== state.bytes) {
        this.nackedAt = state.bytes;
        this.tell('file.nack', {
          transferId,
          offset: state.bytes,
          reason: 'chunk checksum mismatch',
        } as never);
      }
      return;
    }
    this.nackedAt = -1;
    state.data.push(Buffer.from(chunk.payload));
    state.bytes += chunk.payload.length;
    this.tell('file.ack', { transferId, offset: state.bytes } as never);
    if (state.bytes >= state.push.size) this.complete(state);
  }

  private complete(state: ReceivedPush): void {
    if (state.done) return;
    state.done = true;
    this.transfers.removeSink(state.push.transferId);
    const sha = createHash('sha256').update(Buffer.concat(state.data)).digest('hex');
    const ok = sha === state.push.sha256;
    this.finished(state.push.invocationId, ok, ok ? null : `sha256 ${sha} is not ${state.push.sha256}`);
  }
}
