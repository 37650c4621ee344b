import { z } from 'zod';
import { nodeAppRefSchema } from './nodeapps';

/**
 * File transfers. Control messages are JSON envelopes; the bytes go as binary frames (chunk-frame.ts) tagged with
 * the transfer id and their offset. The receiver confirms what it has written (`file.ack`, cumulative) and the
 * sender keeps at most a window of unconfirmed bytes in flight, so no socket buffer grows without bound. A chunk
 * whose checksum does not match is answered with `file.nack` and sent again. After a reconnect the receiver says
 * how much it already holds and the sender goes on from there.
 */
const invocationId = z.string().min(1).max(64);
const transferId = z.string().uuid();
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex sha256');

/**
 * How the bytes are laid down on the receiving side:
 * - `file`: one file, named `name`, inside the target directory;
 * - `tar`: a tar whose top-level entries go into the target directory;
 * - `zip`: Octopoda's zip (`<n>.wrap/<entries>`): the entries under the single `*.wrap` directory go into it.
 */
export const transferFormats = ['file', 'tar', 'zip'] as const;
export type TransferFormat = (typeof transferFormats)[number];

/** Brain → tentacle: receive `size` bytes (sha256) and put them under `target`. Answered by `file.ready`. */
export const filePushSchema = z.object({
  invocationId,
  taskId: z.string().min(1).max(64),
  transferId,
  size: z.number().int().nonnegative(),
  sha256,
  format: z.enum(transferFormats),
  /** For `file`: the file's name in the target directory. */
  name: z.string().min(1).max(255),
  /** The target directory as the user wrote it (path variables, `~`, relative = under the store). */
  target: z.string().max(4096),
  /** Create the target directory when it is missing (Octopoda's `isForce`). */
  force: z.boolean(),
  /** Permission bits for a `file` (null: the sender's, or 0644). */
  mode: z.number().int().min(0).max(0o7777).nullable(),
  /**
   * A scenario's prepare: the bytes go into this nodeapp's directory (`target` is ignored; created with
   * `git init` when missing) and are committed with `message` (the first commit is made even when empty). The
   * result's `output` is then a NodeAppOutcome as JSON.
   */
  nodeapp: nodeAppRefSchema
    .extend({ message: z.string().min(1).max(4096) })
    .nullable()
    .default(null),
});

/** Tentacle → brain: send from `offset` on (what it already holds of this transfer); `finished` = nothing to send. */
export const fileReadySchema = z.object({
  transferId,
  offset: z.number().int().nonnegative(),
  /** The invocation already ended on the node (its result is re-sent as task.result). */
  finished: z.boolean(),
});

/** Either way: every byte before `offset` is written (cumulative). */
export const fileAckSchema = z.object({ transferId, offset: z.number().int().nonnegative() });

/** Either way: the chunk at `offset` was bad (checksum) or out of order; send again from there. */
export const fileNackSchema = z.object({
  transferId,
  offset: z.number().int().nonnegative(),
  reason: z.string().max(512),
});

/** Either way: stop this transfer (the receiver cannot go on, or the sender gave up). */
export const fileAbortSchema = z.object({ transferId, reason: z.string().max(4096) });

/** Brain → tentacle: pack `path` and offer it. Answered by `file.source`. */
export const filePullSchema = z.object({
  invocationId,
  transferId,
  path: z.string().min(1).max(4096),
  /** `auto`: a file as itself, a directory as tar. `zip`: Octopoda's `<prefix>/<basename>` zip. */
  format: z.enum(['auto', 'zip']),
  /** For `zip`: the top-level directory every entry goes under (Octopoda's `<n>.wrap`). */
  zipPrefix: z.string().max(255).nullable(),
});

export const fileSourceSchema = z.object({
  transferId,
  size: z.number().int().nonnegative(),
  sha256,
  format: z.enum(transferFormats),
  /** What was at the path. */
  type: z.enum(['file', 'dir']),
  /** Base name of the path. */
  name: z.string().min(1).max(255),
  mode: z.number().int().min(0).max(0o7777),
});

/** Brain → tentacle: send the offered bytes from `offset` on. */
export const fileReadSchema = z.object({ transferId, offset: z.number().int().nonnegative() });

/** Brain → tentacle: the pulled bytes are safe with the brain; drop the packed copy. */
export const fileDoneSchema = z.object({ transferId });

/** Brain → tentacle: list a directory (recursive). Answered by `file.tree.result`. */
export const fileTreeSchema = z.object({
  path: z.string().min(1).max(4096),
  hidden: z.boolean(),
});

export const treeEntrySchema = z.object({
  name: z.string(),
  type: z.enum(['file', 'dir', 'symlink']),
  size: z.number().int().nonnegative(),
  mode: z.number().int().nonnegative(),
  mtimeMs: z.number(),
});

export const fileTreeResultSchema = z.object({
  /** The resolved absolute path. */
  path: z.string(),
  entries: z.array(treeEntrySchema).max(100_000),
});

export type FilePush = z.infer<typeof filePushSchema>;
export type FileReady = z.infer<typeof fileReadySchema>;
export type FileAck = z.infer<typeof fileAckSchema>;
export type FileNack = z.infer<typeof fileNackSchema>;
export type FileAbort = z.infer<typeof fileAbortSchema>;
export type FilePull = z.infer<typeof filePullSchema>;
export type FileSource = z.infer<typeof fileSourceSchema>;
export type FileRead = z.infer<typeof fileReadSchema>;
export type FileDone = z.infer<typeof fileDoneSchema>;
export type FileTree = z.infer<typeof fileTreeSchema>;
export type FileTreeResult = z.infer<typeof fileTreeResultSchema>;
export type TreeEntry = z.infer<typeof treeEntrySchema>;
