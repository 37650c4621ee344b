/** One application in a scenario version: which version each of its nodes had. */
export interface SnapshotApp {
  name: string;
  description: string;
  nodeApps: Array<{ node: string; version: string }>;
}

/** A scenario version's record of every nodeapp (stored as JSON, and as `.octopod/snapshot.json` in its git). */
export type Snapshot = SnapshotApp[];

/** Whether two snapshots record the same versions on the same nodes. */
export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  const key = (s: Snapshot) =>
    JSON.stringify(
      [...s]
        .sort((x, y) => x.name.localeCompare(y.name))
        .map((app) => [app.name, [...app.nodeApps].sort((x, y) => x.node.localeCompare(y.node))]),
    );
  return key(a) === key(b);
}
