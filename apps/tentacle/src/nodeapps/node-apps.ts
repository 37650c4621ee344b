import {
  nodeAppDirName,
  type NodeAppList,
  type NodeAppOp,
  type NodeAppOutcome,
  type NodeAppRef,
} from '@octopod/protocol';
import { VersionedRepo } from '@octopod/scenario';
import { Lanes } from '../lanes';
import { nodeAppPath, OWN_FILES } from './nodeapp-dirs';
import { listNodeApps } from './nodeapp-list';
import { applyNodeAppOp } from './nodeapp-ops';
import type { NodeAppListReply, NodeAppService } from './nodeapp-service';

export interface NodeAppsOptions {
  workspaceRoot: string;
  nodeName: string;
}

/**
 * This node's nodeapps: directories `<workspace>/<app>@<scenario>/`, each a git repository. Everything that
 * touches one nodeapp's repository runs in that nodeapp's lane, so two changes never interleave their git
 * commands; different nodeapps do not wait for each other.
 */
export class NodeApps implements NodeAppService {
  private readonly lanes = new Lanes();

  constructor(private readonly options: NodeAppsOptions) {}

  /** The nodeapp's directory (whether it exists or not). */
  dirOf(ref: NodeAppRef): string {
    return nodeAppPath(this.options.workspaceRoot, ref);
  }

  /** Opens the nodeapp for a script or a push, creating it (`git init`) when new; resolves with its directory. */
  open(ref: NodeAppRef): Promise<string> {
    return this.within(ref, async () => (await this.repository(ref)).dir);
  }

  /**
   * Lays a push's bytes down (`place`) and commits them with `message`, in the nodeapp's lane. A nodeapp without
   * a version yet gets its first one even when nothing was placed, so every prepared nodeapp has a version.
   */
  placeAndCommit(ref: NodeAppRef, message: string, place: () => Promise<void>): Promise<NodeAppOutcome> {
    return this.within(ref, async () => {
      const repo = await this.repository(ref);
      await place();
      const first = (await repo.head()) === '';
      const done = first ? await repo.commitEvenIfEmpty(message) : await repo.commitAll(message);
      return { version: done.hash, modified: done.modified };
    });
  }

  /** Commits, resets or removes the nodeapp (see applyNodeAppOp). */
  change(ref: NodeAppRef, op: NodeAppOp): Promise<NodeAppOutcome> {
    return this.within(ref, () => applyNodeAppOp(this.dirOf(ref), ref, op, this.options.nodeName));
  }

  list(body: NodeAppList): Promise<NodeAppListReply> {
    return listNodeApps(body, {
      ...this.options,
      within: (ref, read) => this.within(ref, read),
    });
  }

  private async repository(ref: NodeAppRef): Promise<VersionedRepo> {
    const repo = await VersionedRepo.open(this.dirOf(ref));
    await repo.ignoreLocally(OWN_FILES);
    return repo;
  }

  private within<T>(ref: NodeAppRef, work: () => Promise<T>): Promise<T> {
    return this.lanes.run(nodeAppDirName(ref), work);
  }
}
