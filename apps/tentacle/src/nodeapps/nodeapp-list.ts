import { nodeAppDirName, type NodeAppInfo, type NodeAppList, type NodeAppRef } from '@octopod/protocol';
import { VersionedRepo } from '@octopod/scenario';
import { nodeAppCandidates, nodeAppPath, unknownNodeAppError } from './nodeapp-dirs';
import { nodeAppError, type NodeAppListReply } from './nodeapp-service';

export interface ListContext {
  workspaceRoot: string;
  nodeName: string;
  /** Runs `read` in the nodeapp's lane, so no change to it is half made while it is read. */
  within<T>(ref: NodeAppRef, read: () => Promise<T>): Promise<T>;
}

/**
 * Every nodeapp of the workspace (a directory `<app>@<scenario>` holding a repository), sorted by name, with HEAD,
 * whether its work tree has uncommitted changes, and its versions newest first from `offset`, at most `limit`.
 * With `only`: that one, or a `not_found` refusal.
 */
export async function listNodeApps(body: NodeAppList, context: ListContext): Promise<NodeAppListReply> {
  try {
    const refs = body.only ? [body.only] : await nodeAppCandidates(context.workspaceRoot);
    const apps: NodeAppInfo[] = [];
    for (const ref of refs) {
      const info = await context.within(ref, () => describe(ref, body, context.workspaceRoot));
      if (info) apps.push(info);
    }
    if (body.only && apps.length === 0) {
      return nodeAppError('not_found', unknownNodeAppError(body.only, context.nodeName));
    }
    return { kind: 'nodeapp.list.result', body: { apps } };
  } catch (error) {
    const what = body.only ? `nodeapp ${nodeAppDirName(body.only)}` : 'the nodeapps';
    return nodeAppError('io_failed', `cannot list ${what}: ${(error as Error).message}`);
  }
}

async function describe(
  ref: NodeAppRef,
  body: NodeAppList,
  workspaceRoot: string,
): Promise<NodeAppInfo | undefined> {
  const repo = await VersionedRepo.find(nodeAppPath(workspaceRoot, ref));
  if (!repo) return undefined;
  const [head, dirty, versions] = await Promise.all([
    repo.head(),
    repo.dirty(),
    repo.versions(body.offset, body.limit),
  ]);
  return { app: ref.app, scenario: ref.scenario, head, dirty, versions };
}
