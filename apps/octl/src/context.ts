import type { OctopodClient } from '@octopod/sdk';
import type { SecretInput, Session } from './commands/auth/session';
import type { GitServer } from './config';
import type { WorkgroupPlace } from './commands/wg/current-path';
import type { OutputFormat, OutputSink } from './output/output';

/** The brain operations octl's node commands use; tests pass fakes of exactly this. */
export type NodeApi = Pick<
  OctopodClient,
  | 'listNodes'
  | 'resolveNodes'
  | 'getNodeStatus'
  | 'pruneNode'
  | 'createJoinToken'
  | 'listJoinTokens'
  | 'revokeNode'
>;

/** How nodes can find the brain, as octl.yaml says (for the `tentacle join` line of `node token create`). */
export interface BrainLocation {
  brainName: string;
  /** The name server's HTTPS address (and plain-HTTP port), when octl uses one. */
  nameServer?: { host: string; port: number; httpPort?: number };
  /** The brain's API, `ip:port`, when octl dials it directly. */
  apiAddress?: string;
}

/** The brain operations of remote execution and task history. */
export type TaskApi = Pick<
  OctopodClient,
  'resolveNodes' | 'createTask' | 'listTasks' | 'getTask' | 'cancelTask' | 'streamTaskEvents'
>;

/** The brain operations of `wg` (names and @groups are resolved before they are added or removed). */
export type WorkgroupApi = Pick<
  OctopodClient,
  'getWorkgroup' | 'changeWorkgroupMembers' | 'deleteWorkgroup' | 'grantWorkgroup' | 'resolveNodes'
>;

export type BrainApi = NodeApi & TaskApi;

/** API tokens and the audit trail. */
export type AccessApi = Pick<OctopodClient, 'listTokens' | 'revokeToken' | 'listAudit'>;

/** Raw access to the terminal, for output that streams (command output, progress) rather than one view. */
export interface Terminal {
  write(text: string): void;
  writeErr(text: string): void;
  /** stdout is a terminal: progress lines may be redrawn in place. */
  isTTY: boolean;
}

/** Where Ctrl-C arrives (the process in main.ts; tests pass an emitter). */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** What `ssh` needs of the process: raw streams, a way to run ssh, and how to run this octl again. */
export interface SshHost {
  /** Prompts (`ssh set`) and the bytes `ssh proxy` relays. */
  stdin?: SecretInput;
  /** Where `ssh proxy` writes the node's bytes (binary). */
  stdout?: NodeJS.WritableStream;
  /** Where prompts go (stderr). */
  prompts: NodeJS.WritableStream;
  /** Runs the system ssh on the terminal with extra environment; resolves with its exit status. */
  runSsh(args: string[], env: Record<string, string>): Promise<number>;
  /** The command line that runs this octl, with the same octl.yaml, on these arguments. */
  octlCommand(args: string[]): string[];
}

/** What command registrations get from the CLI: a lazily connected client, the output, the clock. */
export interface CliContext {
  client(): Promise<BrainApi>;
  /** `wg`'s operations, acting in the current workgroup, or in `workgroupPath` (`wg cd` checks its target so). */
  workgroups(workgroupPath?: string): Promise<WorkgroupApi>;
  /** The root and current workgroup (octl.yaml `workgroup.root` and `workgroup.currentPathFile`). */
  workgroup(): WorkgroupPlace;
  /** Tokens and the audit trail, acting in the current workgroup. */
  access(): Promise<AccessApi>;
  /** The API token octl keeps (`login`, `logout`). */
  session(): Session;
  /** Where the brain is, from octl.yaml. */
  brainLocation(): BrainLocation;
  /** octl.yaml's git service, for `scen repo`; fails when `git.serveUrl` is not set. */
  gitServer(): GitServer;
  /** The process parts `ssh login|proxy|set` use. */
  sshHost(): SshHost;
  output(): OutputSink;
  format(): OutputFormat;
  terminal: Terminal;
  signals?: SignalSource;
  now(): number;
}
