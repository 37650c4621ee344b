import type { NodeAppOp, NodeAppRef } from '@octopod/protocol';

/** A file push: a blob from the brain's store to a directory on each node. */
export interface FilePushSpec {
  kind: 'push';
  blob: string;
  size: number;
  /** How the blob is laid down (see the protocol's `file.push`). */
  format: 'file' | 'tar' | 'zip';
  /** For `file`: its name in the target directory. */
  name: string;
  path: string;
  force: boolean;
  mode: number | null;
  /** A scenario's prepare: into this nodeapp's directory, then committed with `message`. */
  nodeapp?: NodeAppRef & { message: string };
}

/** A file pull: a file or directory from each node into the brain's blob store. */
export interface FilePullSpec {
  kind: 'pull';
  path: string;
  format: 'auto' | 'zip';
  zipPrefix: string | null;
}

export type FileSpec = FilePushSpec | FilePullSpec;

/** Task kinds that move files; the others run commands. */
export const FILE_TASK_KINDS = { push: 'file_push', pull: 'file_pull' } as const;

/** What a task does: run a command or script, move files, or change a nodeapp. */
export type TaskKind = 'command' | 'script' | 'file_push' | 'file_pull' | 'nodeapp';

/** What a task asks for beyond its command (stored as JSON on the task). */
export interface TaskOptions {
  background: boolean;
  delaySeconds: number;
  align: boolean;
  timeoutSeconds: number | null;
  deliveryTimeoutSeconds: number;
  maxConcurrency: number | null;
  maxErrors: number | null;
  env: Record<string, string>;
  /** Octopoda's xrun: the caller's answer is "loaded" as soon as every node accepted. */
  loadedOnAccept: boolean;
  /** Set on file tasks only. */
  file?: FileSpec;
  /** A scenario's script: runs in this nodeapp's directory. For kind `nodeapp`: the nodeapp changed. */
  app?: NodeAppRef;
  /** Kind `nodeapp`: the change made to it. */
  nodeapp?: NodeAppOp;
}

export const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 60;
/** Octopoda's margin on top of the slowest target's delay for a time-aligned start (reference spec §1.5). */
export const ALIGN_MARGIN_MS = 500;
/** A tentacle refuses an aligned start when its clock offset is less certain than this. */
export const MAX_ALIGN_ERROR_MS = 100;

export const TERMINAL_STATES = ['success', 'failed', 'timed_out', 'delivery_timed_out', 'cancelled'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

export function isTerminal(state: string): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/** Brain-clock start for an aligned run: now + slowest one-way delay + margin. */
export function alignedStartAt(now: number, delaysMs: Array<number | null>): number {
  const slowest = Math.max(0, ...delaysMs.map((d) => d ?? 0));
  return now + Math.ceil(slowest) + ALIGN_MARGIN_MS;
}
