import type {
  BinaryLink,
  FileAbort,
  FileAck,
  FileDone,
  FileNack,
  FilePull,
  FilePush,
  FileRead,
  FileReady,
  FileSource,
  FileTree,
  FileTreeResult,
  ProtocolErrorBody,
  TransferTable,
} from '@octopod/protocol';

/** File control messages sent upstream without waiting for an answer. */
export interface TransferEvents {
  'file.ack': FileAck;
  'file.nack': FileNack;
  'file.abort': FileAbort;
}

/**
 * One session's way to move file bytes: its transfer table (binary frames in, acks and nacks to senders), binary
 * frames out, and the control messages that go with them. Sends throw when the link is down.
 */
export interface TransferLink extends BinaryLink {
  readonly table: TransferTable;
  send<K extends keyof TransferEvents>(kind: K, body: TransferEvents[K]): void;
}

/** Stable codes of an `error` reply to a file request. */
export type FileErrorCode = 'not_supported' | 'path_refused' | 'target_invalid' | 'not_found' | 'io_failed';

export interface FileErrorReply {
  kind: 'error';
  body: ProtocolErrorBody & { code: FileErrorCode };
}

export type PushReply = { kind: 'file.ready'; body: FileReady } | FileErrorReply;
export type PullReply = { kind: 'file.source'; body: FileSource } | FileErrorReply;
export type TreeReply = { kind: 'file.tree.result'; body: FileTreeResult } | FileErrorReply;

/** What the file handlers call: the tentacle's file store, or none. */
export interface FileService {
  /** Prepares to receive a push over `link` (or finds it done already); the bytes follow as binary frames. */
  push(body: FilePush, link: TransferLink): Promise<PushReply>;
  /** Packs (or finds packed) what `path` names and offers it. */
  pull(body: FilePull): Promise<PullReply>;
  /** Sends an offered pull's bytes over `link` from `offset` on. */
  read(body: FileRead, link: TransferLink): Promise<void>;
  /** The brain holds a pull's bytes: drop the packed copy. */
  done(body: FileDone): Promise<void>;
  /** The brain stops a transfer (a cancel): a push's partial file is discarded, no result follows. */
  abort(body: FileAbort, link: TransferLink): Promise<void>;
  tree(body: FileTree): Promise<TreeReply>;
}

export function fileError(code: FileErrorCode, message: string): FileErrorReply {
  return { kind: 'error', body: { code, message: message.slice(0, 4096) } };
}

/** Tells the sender of a transfer to stop; the link may already be gone, which stops it anyway. */
export function sendAbort(link: TransferLink, transferId: string, reason: string): void {
  try {
    link.send('file.abort', { transferId, reason: reason.slice(0, 4096) });
  } catch {
    // The link is down: the brain's sender stopped with it.
  }
}

const NO_FILES = 'this tentacle does not transfer files';

/** For links without a file store (tests of the link alone, the swarm): refuses every file request. */
export const noFiles: FileService = {
  push: async () => fileError('not_supported', NO_FILES),
  pull: async () => fileError('not_supported', NO_FILES),
  read: async (body, link) => sendAbort(link, body.transferId, NO_FILES),
  done: async () => undefined,
  abort: async (body, link) => link.table.abort(body),
  tree: async () => fileError('not_supported', NO_FILES),
};
