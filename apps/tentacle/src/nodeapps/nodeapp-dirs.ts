import { nodeAppDirName, nodeAppNameSchema, type NodeAppRef } from '@octopod/protocol';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Files of ours that sit in a nodeapp's work tree for a while (a push's partial file and staging directory, see
 * files/place.ts): git ignores them there, so no commit takes them and no reset removes them.
 */
export const OWN_FILES = ['.octopod-*'];

/** A nodeapp's directory: `<workspace>/<app>@<scenario>`. */
export function nodeAppPath(workspaceRoot: string, ref: NodeAppRef): string {
  return join(workspaceRoot, nodeAppDirName(ref));
}

/** The nodeapp a directory name stands for, if it is `<app>@<scenario>` with two valid names. */
export function nodeAppRefOf(name: string): NodeAppRef | undefined {
  const at = name.indexOf('@');
  if (at < 0) return undefined;
  const ref = { app: name.slice(0, at), scenario: name.slice(at + 1) };
  const valid =
    nodeAppNameSchema.safeParse(ref.app).success && nodeAppNameSchema.safeParse(ref.scenario).success;
  return valid ? ref : undefined;
}

/** Directories of the workspace named as nodeapps, sorted by name (whether they hold a repository is not checked). */
export async function nodeAppCandidates(workspaceRoot: string): Promise<NodeAppRef[]> {
  const entries = await readdir(workspaceRoot, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map(nodeAppRefOf)
    .filter((ref): ref is NodeAppRef => ref !== undefined);
}

/** The failure of a change to a nodeapp this node does not have. */
export function missingNodeAppError(ref: NodeAppRef, nodeName: string): string {
  return `nodeapp ${nodeAppDirName(ref)} does not exist on ${nodeName}`;
}

/** The refusal of a listing of a nodeapp this node does not have. */
export function unknownNodeAppError(ref: NodeAppRef, nodeName: string): string {
  return `no nodeapp ${nodeAppDirName(ref)} on ${nodeName}`;
}
