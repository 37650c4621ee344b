import type {
  NodeAppOp,
  NodeAppOutcome,
  NodeAppRef,
  TaskAssign,
  TaskResult,
  TaskStarted,
} from '@octopod/protocol';
import { later, type RunningInvocation } from '../exec/invocation';
import type { StopReason } from '../exec/managed-process';
import { CANCELLED_ERROR, resultWithoutProcess, SHUTDOWN_BEFORE_START_ERROR } from '../exec/result';

/** A `task.assign` of kind `nodeapp`, with its nodeapp and change. */
export type NodeAppTask = TaskAssign & { app: NodeAppRef; nodeapp: NodeAppOp };

export interface NodeAppInvocationHost {
  change(ref: NodeAppRef, op: NodeAppOp): Promise<NodeAppOutcome>;
  started(event: TaskStarted): void;
  /** Called exactly once, with the result. */
  finished(result: TaskResult): void;
}

/**
 * One accepted change to a nodeapp (commit, reset, remove), made by the tentacle itself: no process, so no pid
 * and no exit code. Its result's `output` is the NodeAppOutcome as JSON; a failure's `error` says why. Once the
 * change is under way it is not stopped (a half-made git change is worse than a late cancel): its result follows.
 */
export class NodeAppInvocation implements RunningInvocation {
  private phase: 'waiting' | 'running' | 'done' = 'waiting';
  private unschedule: () => void = () => undefined;

  constructor(
    private readonly task: NodeAppTask,
    private readonly host: NodeAppInvocationHost,
  ) {}

  get id(): string {
    return this.task.invocationId;
  }

  /** A change needs no precise start: an aligned one simply waits for its instant. */
  schedule(localStartAt: number | null): void {
    const startAt = (localStartAt ?? Date.now()) + this.task.delayMs;
    this.unschedule = later(startAt - Date.now(), () => void this.run());
  }

  cancel(reason: StopReason = 'cancel'): boolean {
    if (this.phase !== 'waiting') return false;
    this.unschedule();
    const shutdown = reason === 'shutdown';
    const error = shutdown ? SHUTDOWN_BEFORE_START_ERROR : CANCELLED_ERROR;
    this.end(resultWithoutProcess(this.id, shutdown ? 'failed' : 'cancelled', error, Date.now()));
    return true;
  }

  private async run(): Promise<void> {
    if (this.phase !== 'waiting') return;
    this.phase = 'running';
    const startedAt = Date.now();
    this.host.started({ invocationId: this.id, pid: null, startedAt });
    let result: TaskResult;
    try {
      const outcome = await this.host.change(this.task.app, this.task.nodeapp);
      result = {
        ...resultWithoutProcess(this.id, 'success', null, Date.now()),
        output: JSON.stringify(outcome),
      };
    } catch (error) {
      result = resultWithoutProcess(this.id, 'failed', describe(error), Date.now());
    }
    this.end({ ...result, startedAt });
  }

  private end(result: TaskResult): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.host.finished(result);
  }
}

/** Git's and our own errors carry their sentence in `message`. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
