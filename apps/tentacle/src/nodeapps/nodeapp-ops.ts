import type { NodeAppOp, NodeAppOutcome, NodeAppRef } from '@octopod/protocol';
import { VersionedRepo, type Committed } from '@octopod/scenario';
import { rm, stat } from 'node:fs/promises';
import { missingNodeAppError } from './nodeapp-dirs';

/** A change to a nodeapp that could not be made, in words for the task's error. */
export class NodeAppOpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeAppOpError';
  }
}

/**
 * Makes one change to the nodeapp in `dir` (the caller keeps changes to one nodeapp from interleaving):
 * - `commit`: what changed (`always`: a new version even when nothing did, as Octopoda's commit target);
 * - `reset`: the version a hash prefix names, as a new commit on top;
 * - `remove`: the whole directory (one that is already gone is no failure: `modified` says whether it was there).
 * Throws NodeAppOpError for a missing nodeapp; VersionNotFoundError and GitError as they come.
 */
export async function applyNodeAppOp(
  dir: string,
  ref: NodeAppRef,
  op: NodeAppOp,
  nodeName: string,
): Promise<NodeAppOutcome> {
  if (op.op === 'remove') return remove(dir);
  const repo = await VersionedRepo.find(dir);
  if (!repo) throw new NodeAppOpError(missingNodeAppError(ref, nodeName));
  let done: Committed;
  if (op.op === 'reset') done = await repo.reset(op.version, op.message);
  else done = op.always ? await repo.commitAlways(op.message) : await repo.commitAll(op.message);
  return { version: done.hash, modified: done.modified };
}

async function remove(dir: string): Promise<NodeAppOutcome> {
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (found) await rm(dir, { recursive: true, force: true });
  return { version: '', modified: found !== undefined };
}
