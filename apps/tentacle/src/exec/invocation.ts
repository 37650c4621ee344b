import {
  nodeAppDirName,
  type NodeAppRef,
  type TaskAssign,
  type TaskOutput,
  type TaskResult,
  type TaskStarted,
} from '@octopod/protocol';
import { buildEnvironment, octopodaVariables, type AppPlace, type OctopodaPaths } from './environment';
import {
  ManagedProcess,
  signalGroup,
  spawnBackground,
  type ProcessOutcome,
  type StopReason,
} from './managed-process';
import { atInstant } from './precise-clock';
import { CANCELLED_ERROR, judgeOutcome, resultWithoutProcess, SHUTDOWN_BEFORE_START_ERROR } from './result';
import {
  collectScriptOutput,
  removeScript,
  scriptFilePlace,
  writeScript,
  type ScriptFile,
} from './script-file';
import { commandArgs, scriptArgs } from './shell';

/** A script's result file is returned up to this size (its end): a result must fit in one frame. */
export const OUTPUT_MAX_BYTES = 1024 * 1024;
/** An aligned process is spawned (parked) this long before its instant, so spawning costs nothing then. */
export const ARM_LEAD_MS = 1000;

/** What an invocation needs from the tentacle around it. */
export interface InvocationHost {
  shell: string;
  paths: OctopodaPaths;
  scriptsDir: string;
  baseEnv: NodeJS.ProcessEnv;
  configEnv: readonly { key: string; value: string }[];
  killGraceMs?: number;
  /** Opens a nodeapp (creating it when new) for a process to run in; resolves with its directory. */
  openApp(ref: NodeAppRef): Promise<string>;
  started(event: TaskStarted): void;
  output(event: TaskOutput): void;
  /** Called exactly once, with the result. */
  finished(result: TaskResult): void;
}

type Phase = 'waiting' | 'armed' | 'running' | 'done';

/** What the runner holds of an accepted invocation until it ends. */
export interface RunningInvocation {
  readonly id: string;
  /** Schedules the start: `localStartAt` (this tentacle's clock) for an aligned one, else now + delayMs. */
  schedule(localStartAt: number | null): void;
  /** Stops it however far it got; false when it already ended (or cannot be stopped any more). */
  cancel(reason?: StopReason): boolean;
}

/**
 * One accepted `task.assign`: waits for its start (now, after a delay, or at an aligned instant), runs the
 * command or script (in its nodeapp, when it names one), and reports started / output / result through its host.
 */
export class Invocation implements RunningInvocation {
  private phase: Phase = 'waiting';
  /** Cancels whatever wait is pending (delay timer, arm timer, aligned instant). */
  private unschedule: () => void = () => undefined;
  private process: ManagedProcess | undefined;
  private script: ScriptFile | undefined;
  /** Settles once the nodeapp to run in is open (at once without one): its place, or why it could not be. */
  private app: Promise<AppPlace | Error> | undefined;
  private appPlace: AppPlace | undefined;

  constructor(
    private readonly assign: TaskAssign,
    private readonly host: InvocationHost,
  ) {}

  get id(): string {
    return this.assign.invocationId;
  }

  schedule(localStartAt: number | null): void {
    const { delayMs } = this.assign;
    // Opened now, so that an aligned start finds it ready when it arms.
    this.app = this.openApp();
    if (localStartAt === null) {
      // Never synchronously: the `accepted` reply must go out before `started`.
      this.unschedule = later(delayMs, () => this.run());
      return;
    }
    const startAt = localStartAt + delayMs;
    const arm = () => {
      if (this.phase !== 'waiting') return;
      if (this.assign.background) this.unschedule = atInstant(startAt, () => this.run());
      else this.afterApp(() => this.runGated(startAt));
    };
    this.unschedule = later(startAt - ARM_LEAD_MS - Date.now(), arm);
  }

  /** Stops it however far it got; false when it already ended. */
  cancel(reason: StopReason = 'cancel'): boolean {
    if (this.phase === 'done') return false;
    if (this.process) {
      // An armed process must not be released while it is being killed.
      if (this.phase === 'armed') this.unschedule();
      this.process.stop(reason);
      return true;
    }
    this.unschedule();
    const error = reason === 'shutdown' ? SHUTDOWN_BEFORE_START_ERROR : CANCELLED_ERROR;
    this.end(
      resultWithoutProcess(this.id, reason === 'shutdown' ? 'failed' : 'cancelled', error, Date.now()),
    );
    return true;
  }

  /** Writes the script (if any) and returns how to run it, or ends the invocation when that fails. */
  private prepare(gated: boolean): { args: string[]; env: Record<string, string> } | undefined {
    const { assign, host } = this;
    let args: string[];
    if (assign.kind === 'script') {
      if (!assign.script) {
        this.end(resultWithoutProcess(this.id, 'failed', 'a script task carries no script', Date.now()));
        return undefined;
      }
      const place = scriptFilePlace(host.scriptsDir, this.id, assign.script.name);
      try {
        writeScript(place, assign.script.contentBase64);
      } catch (error) {
        removeScript(place);
        const message = `cannot write the script: ${(error as Error).message}`;
        this.end(resultWithoutProcess(this.id, 'failed', message, Date.now()));
        return undefined;
      }
      this.script = place;
      args = scriptArgs(host.shell, place.path, gated);
    } else {
      args = commandArgs(host.shell, assign.command, gated);
    }
    const octopoda = octopodaVariables(host.paths, this.script, this.appPlace);
    return { args, env: buildEnvironment(host.baseEnv, octopoda, host.configEnv, assign.env) };
  }

  private run(): void {
    if (this.phase !== 'waiting') return;
    this.afterApp(() => {
      if (this.assign.background) return void this.runBackground();
      const plan = this.prepare(false);
      if (!plan) return;
      this.phase = 'running';
      this.process = this.spawn(plan, false);
      if (this.process.pid !== undefined)
        this.announce(this.process.pid, this.process.startedAtMs ?? Date.now());
    });
  }

  private openApp(): Promise<AppPlace | Error> | undefined {
    const ref = this.assign.app;
    if (!ref) return undefined;
    return this.host.openApp(ref).then(
      (dir) => ({ ...ref, dir }),
      (error: Error) => new Error(`cannot open nodeapp ${nodeAppDirName(ref)}: ${error.message}`),
    );
  }

  /** Goes on with `next` once the nodeapp (if any) is open, unless the invocation ended meanwhile. */
  private afterApp(next: () => void): void {
    if (!this.app) return next();
    void this.app.then((place) => {
      if (this.phase !== 'waiting') return;
      if (place instanceof Error) {
        return this.end(resultWithoutProcess(this.id, 'failed', place.message, Date.now()));
      }
      this.appPlace = place;
      next();
    });
  }

  /** The nodeapp's directory for a scenario's script, else the workspace root. */
  private get cwd(): string {
    return this.appPlace?.dir ?? this.host.paths.workspaceRoot;
  }

  private runGated(startAt: number): void {
    const plan = this.prepare(true);
    if (!plan) return;
    this.phase = 'armed';
    const process = (this.process = this.spawn(plan, true));
    if (process.pid === undefined) return;
    this.unschedule = atInstant(startAt, (at) => {
      if (this.phase !== 'armed') return;
      this.phase = 'running';
      process.release(at);
      // After every start due now has been released (sending costs time).
      queueMicrotask(() => this.announce(process.pid as number, at));
    });
  }

  private spawn(plan: { args: string[]; env: Record<string, string> }, gated: boolean): ManagedProcess {
    const process = new ManagedProcess({
      shell: this.host.shell,
      args: plan.args,
      cwd: this.cwd,
      env: plan.env,
      gated,
      timeoutMs: this.assign.timeoutMs,
      killGraceMs: this.host.killGraceMs,
      onOutput: (chunk) => this.host.output({ invocationId: this.id, ...chunk }),
    });
    void process.done.then((outcome) => this.completed(outcome));
    return process;
  }

  private announce(pid: number, at: number): void {
    this.host.started({ invocationId: this.id, pid, startedAt: at });
  }

  private completed(outcome: ProcessOutcome): void {
    this.unschedule();
    const { state, error } = judgeOutcome(outcome, this.assign.timeoutMs);
    this.end({
      invocationId: this.id,
      state,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      output: this.script ? collectScriptOutput(this.script, OUTPUT_MAX_BYTES) : '',
      pid: this.process?.pid ?? null,
      startedAt: outcome.startedAt,
      endedAt: outcome.endedAt,
      error,
    });
  }

  private runBackground(): void {
    const plan = this.prepare(false);
    if (!plan) return;
    this.phase = 'running';
    const startedAt = Date.now();
    const script = this.script;
    spawnBackground({
      shell: this.host.shell,
      args: plan.args,
      cwd: this.cwd,
      env: plan.env,
    })
      .then(({ pid, child }) => {
        // Cancelled or stopped while it was being spawned.
        if (this.phase === 'done') return void signalGroup(pid, 'SIGTERM');
        // Its files go when it ends (if the tentacle is still there to see it).
        if (script) child.once('exit', () => removeScript(script));
        this.announce(pid, startedAt);
        this.end({
          ...resultWithoutProcess(this.id, 'success', null, Date.now()),
          output: String(pid),
          pid,
          startedAt,
        });
      })
      .catch((error: Error) => {
        if (script) removeScript(script);
        this.end(resultWithoutProcess(this.id, 'failed', error.message, Date.now()));
      });
  }

  private end(result: TaskResult): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.host.finished(result);
  }
}

/** Runs `action` after `ms` (on the next turn when ms <= 0); returns a cancel function. */
export function later(ms: number, action: () => void): () => void {
  if (ms > 0) {
    const timer = setTimeout(action, ms);
    return () => clearTimeout(timer);
  }
  const immediate = setImmediate(action);
  return () => clearImmediate(immediate);
}
