import {
  nodeAppDirName,
  type FilePush,
  type NodeAppInfo,
  type NodeAppList,
  type NodeAppListResult,
  type NodeAppOp,
  type NodeAppOutcome,
  type NodeAppRef,
  type NodeAppVersionInfo,
  type TaskAssign,
} from '@octopod/protocol';
import { randomBytes } from 'node:crypto';

/** Where the fake says its nodeapps are (in error texts and OCTOPODA_CURRENTDIR). */
export const FAKE_WORKSPACE = '/fake/workspace';

/** A script or command the brain ran in a nodeapp, with the nodeapp variables a real tentacle sets. */
export interface FakeAppRun {
  invocationId: string;
  kind: TaskAssign['kind'];
  /** The command, or the script's name. */
  command: string;
  /** OCTOPODA_APP, OCTOPODA_SCENARIO, OCTOPODA_CURRENTDIR, then the task's own env. */
  env: Record<string, string>;
}

/** One nodeapp as the fake keeps it. */
export interface FakeNodeApp extends NodeAppRef {
  /** Newest first. */
  versions: NodeAppVersionInfo[];
  /** Something changed since the last version (see FakeNodeApps.touch). */
  dirty: boolean;
  /** sha256 of the last source pushed into it: the same source again changes nothing. */
  lastSource: string | undefined;
  runs: FakeAppRun[];
}

/** How the fake's nodeapps behave (everything optional). */
export interface FakeNodeAppsOptions {
  /** Fail this `nodeapp` task with the error returned, instead of making its change. */
  failChange?: (assign: TaskAssign) => string | undefined;
}

export type FakeNodeAppListReply =
  | { kind: 'nodeapp.list.result'; body: NodeAppListResult }
  | { kind: 'error'; body: { code: string; message: string } };

/** A change's end as the fake reports it: the outcome, or why it failed (a real tentacle's words). */
export type FakeChangeEnd = { outcome: NodeAppOutcome } | { error: string };

/**
 * The nodeapps of a fake tentacle, in memory, behaving as a real tentacle's git repositories do as far as the
 * brain can tell: a script in a nodeapp creates it, a push into one commits (a fresh one always gets a first
 * version; the same source again changes nothing), commit makes a version when something changed (or always),
 * reset resolves a hash prefix among the versions and adds a version, remove forgets it.
 */
export class FakeNodeApps {
  private readonly apps = new Map<string, FakeNodeApp>();

  constructor(
    private readonly nodeName: string,
    private readonly options: FakeNodeAppsOptions = {},
  ) {}

  /** The versions of `<app>@<scenario>`, newest first; undefined when the node has no such nodeapp. */
  get(key: string): NodeAppVersionInfo[] | undefined {
    return this.apps.get(key)?.versions;
  }

  /** Everything the fake keeps of `<app>@<scenario>`. */
  state(key: string): FakeNodeApp | undefined {
    return this.apps.get(key);
  }

  /** Names (`<app>@<scenario>`) of the nodeapps the node has, sorted. */
  keys(): string[] {
    return [...this.apps.keys()].sort();
  }

  /** Marks the nodeapp changed (as files written by a script would), creating it when missing. */
  touch(key: string): void {
    this.ensure(refOf(key)).dirty = true;
  }

  /** Records a version as if committed on the node (by hand, or with a chosen hash to test prefixes). */
  commit(key: string, message: string, hash: string = newHash()): NodeAppVersionInfo {
    const app = this.ensure(refOf(key));
    const version = { hash, time: Date.now(), message };
    app.versions.unshift(version);
    app.dirty = false;
    return version;
  }

  /** A script or command with `app` is about to run: the nodeapp exists from now on; the run is recorded. */
  ran(assign: TaskAssign & { app: NodeAppRef }): void {
    const app = this.ensure(assign.app);
    const env = {
      OCTOPODA_APP: assign.app.app,
      OCTOPODA_SCENARIO: assign.app.scenario,
      OCTOPODA_CURRENTDIR: `${dirOf(assign.app)}/`,
      ...assign.env,
    };
    app.runs.push({ invocationId: assign.invocationId, kind: assign.kind, command: assign.command, env });
  }

  /** Makes the change of a `nodeapp` task. */
  change(assign: TaskAssign): FakeChangeEnd {
    const { app: ref, nodeapp: op } = assign;
    if (!ref || !op) throw new Error('a nodeapp task needs `app` and `nodeapp`');
    const refused = this.options.failChange?.(assign);
    if (refused) return { error: refused };
    const key = nodeAppDirName(ref);
    if (op.op === 'remove') return { outcome: { version: '', modified: this.apps.delete(key) } };
    const app = this.apps.get(key);
    if (!app) return { error: `nodeapp ${key} does not exist on ${this.nodeName}` };
    return op.op === 'commit' ? { outcome: this.commitChanges(app, op) } : this.reset(app, op);
  }

  /** A push into a nodeapp arrived whole: its source is committed. */
  pushed(push: FilePush & { nodeapp: NonNullable<FilePush['nodeapp']> }): NodeAppOutcome {
    const app = this.ensure(push.nodeapp);
    const changed = app.versions.length === 0 || app.lastSource !== push.sha256 || app.dirty;
    app.lastSource = push.sha256;
    if (changed) this.commit(nodeAppDirName(app), push.nodeapp.message);
    return { version: head(app), modified: changed };
  }

  /** Answers `nodeapp.list` as a real tentacle does. */
  list(body: NodeAppList): FakeNodeAppListReply {
    const keys = body.only ? [nodeAppDirName(body.only)] : this.keys();
    const apps: NodeAppInfo[] = [];
    for (const key of keys) {
      const app = this.apps.get(key);
      if (!app) continue;
      const versions = app.versions.slice(body.offset, body.offset + body.limit);
      apps.push({ app: app.app, scenario: app.scenario, head: head(app), dirty: app.dirty, versions });
    }
    if (body.only && apps.length === 0) {
      const message = `no nodeapp ${nodeAppDirName(body.only)} on ${this.nodeName}`;
      return { kind: 'error', body: { code: 'not_found', message } };
    }
    return { kind: 'nodeapp.list.result', body: { apps } };
  }

  private commitChanges(app: FakeNodeApp, op: Extract<NodeAppOp, { op: 'commit' }>): NodeAppOutcome {
    const modified = op.always || app.dirty;
    if (modified) this.commit(nodeAppDirName(app), op.message);
    return { version: head(app), modified };
  }

  private reset(app: FakeNodeApp, op: Extract<NodeAppOp, { op: 'reset' }>): FakeChangeEnd {
    const prefix = op.version;
    if (!/^[0-9a-f]+$/i.test(prefix) || prefix.length < 2 || prefix.length > 40) {
      return { error: `version "${prefix}" must be 2 to 40 hex digits` };
    }
    const hashes = new Set(app.versions.map((version) => version.hash));
    const matches = [...hashes].filter((hash) => hash.startsWith(prefix.toLowerCase()));
    if (matches.length === 0) return { error: `no version ${prefix} in ${dirOf(app)}` };
    if (matches.length > 1) return { error: `version ${prefix} is ambiguous (${matches.length} match)` };
    const version = this.commit(nodeAppDirName(app), op.message);
    return { outcome: { version: version.hash, modified: true } };
  }

  private ensure(ref: NodeAppRef): FakeNodeApp {
    const key = nodeAppDirName(ref);
    let app = this.apps.get(key);
    if (!app) {
      app = {
        app: ref.app,
        scenario: ref.scenario,
        versions: [],
        dirty: false,
        lastSource: undefined,
        runs: [],
      };
      this.apps.set(key, app);
    }
    return app;
  }
}

function refOf(key: string): NodeAppRef {
  const at = key.indexOf('@');
  if (at < 1 || at === key.length - 1) throw new Error(`"${key}" is not <app>@<scenario>`);
  return { app: key.slice(0, at), scenario: key.slice(at + 1) };
}

function dirOf(ref: NodeAppRef): string {
  return `${FAKE_WORKSPACE}/${nodeAppDirName(ref)}`;
}

function head(app: FakeNodeApp): string {
  return app.versions[0]?.hash ?? '';
}

/** A commit hash's shape: 40 hex digits. */
function newHash(): string {
  return randomBytes(20).toString('hex');
}
