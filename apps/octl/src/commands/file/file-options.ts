import { UsageError } from '../../errors';

/** What commander hands `file upload` (after `-f=false` was rewritten to `--no-force`). */
export interface UploadFlags {
  force?: boolean;
  deliveryTimeout?: string;
  maxConcurrency?: string;
  maxErrors?: string;
}

export interface UploadPlan {
  /** The local file or directory, as given (relative to the working directory). */
  local: string;
  /** The target directory on the nodes: '' is the store (`.`), path variables (`@fstore/x`) pass through. */
  path: string;
  targets: string[];
  force: boolean;
  limits: { deliveryTimeoutSeconds?: number; maxConcurrency?: number; maxErrors?: number };
}

export interface DownloadPlan {
  remote: string;
  localDir: string;
  /** A node name, or `brain`. */
  node: string;
}

/** Octopoda's spellings of "every node of the current group" and groups: `download` takes one node only. */
const GROUPS = new Set(['ALL', '@', '@ALL', '@all']);
export const BRAIN = 'brain';

function wholeNumber(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min)
    throw new UsageError(`${flag} must be a whole number of at least ${min}, got "${text}"`);
  return value;
}

/** `octl file upload [-f] <localFileOrDir> <targetDir> <node|@group>...`; `.` as the target is the store. */
export function planUpload(
  local: string,
  targetDir: string,
  targets: string[],
  flags: UploadFlags,
): UploadPlan {
  if (local.trim() === '') throw new UsageError('empty local file or directory');
  if (targets.length === 0)
    throw new UsageError('no target nodes: name nodes, @groups or ALL after the target');
  const limits: UploadPlan['limits'] = {};
  const delivery = wholeNumber('--delivery-timeout', flags.deliveryTimeout, 1);
  if (delivery !== undefined) limits.deliveryTimeoutSeconds = delivery;
  const concurrency = wholeNumber('--max-concurrency', flags.maxConcurrency, 1);
  if (concurrency !== undefined) limits.maxConcurrency = concurrency;
  const errors = wholeNumber('--max-errors', flags.maxErrors, 0);
  if (errors !== undefined) limits.maxErrors = errors;
  return {
    local,
    path: targetDir === '.' || targetDir === './' ? '' : targetDir,
    targets,
    force: flags.force ?? true,
    limits,
  };
}

/** `octl file download <remoteFileOrDir> <localDir> <node|brain>`: one node (Octopoda refuses groups). */
export function planDownload(remote: string, localDir: string, node: string): DownloadPlan {
  if (node.startsWith('@') || GROUPS.has(node)) throw new UsageError('command pull not support node group');
  if (remote.trim() === '') throw new UsageError('empty remote file or directory');
  if (localDir.trim() === '') throw new UsageError('empty local directory');
  return { remote, localDir, node };
}
