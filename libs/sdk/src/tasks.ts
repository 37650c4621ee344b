// INTERIM: the task DTOs and operations of the brain's /api/v2/tasks, written by hand from the session contract
// until apps/brain/openapi.json has them. Once it does, `node tools/sdk-gen/generate.mjs` produces the same
// operations on GeneratedApi and these types; then this file and the INTERIM methods of OctopodClient go.
export type InvocationState =
  'pending' | 'delayed' | 'running' | 'success' | 'failed' | 'timed_out' | 'delivery_timed_out' | 'cancelled';

/** A task on one node. Times are ISO 8601 or null. */
export interface Invocation {
  id: string;
  node: string;
  state: InvocationState;
  acceptedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  exitCode: number | null;
  pid: number | null;
  /** Tails (the last 64 KiB) of the streams. */
  stdout: string;
  stderr: string;
  /** A script's $OCTOPODA_OUTPUT. */
  output: string;
  error: string | null;
}

export interface TaskCounts {
  total: number;
  pending: number;
  delayed: number;
  running: number;
  success: number;
  failed: number;
  timedOut: number;
  deliveryTimedOut: number;
  cancelled: number;
}

export interface TaskOptionsView {
  background: boolean;
  delaySeconds: number;
  align: boolean;
  timeoutSeconds: number | null;
  deliveryTimeoutSeconds: number;
  maxConcurrency: number | null;
  maxErrors: number | null;
}

export interface Task {
  id: string;
  kind: 'command' | 'script';
  /** The command, or the script's file name. */
  command: string;
  targets: string[];
  state: 'running' | 'done' | 'cancelled';
  createdAt: string;
  doneAt: string | null;
  counts: TaskCounts;
  options: TaskOptionsView;
}

export interface TaskDetail extends Task {
  invocations: Invocation[];
}

export interface TaskList {
  items: Task[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: string | null;
}

export interface CreateTaskRequest {
  targets: string[];
  command?: string;
  script?: { name: string; contentBase64: string };
  background?: boolean;
  delaySeconds?: number;
  align?: boolean;
  timeoutSeconds?: number | null;
  deliveryTimeoutSeconds?: number;
  maxConcurrency?: number;
  maxErrors?: number;
  env?: Record<string, string>;
}

export interface ListTasksQuery {
  limit?: number;
  before?: string;
  node?: string;
  state?: string;
}
