import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { OutputStream, type OutputChunk } from './output';
import { GATE_FD } from './shell';

/** SIGTERM first; whatever still runs this long after gets SIGKILL. */
export const KILL_GRACE_MS = 2000;
/**
 * After the shell exits, how long to wait for its output pipes to close. A background grandchild that kept them
 * open (`sleep 100 &` without redirection) would otherwise hold the result back for as long as it runs.
 */
export const PIPE_GRACE_MS = 500;

export interface ProcessSpec {
  shell: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Spawned parked (see shell.ts); nothing runs until `release()`. */
  gated?: boolean;
  /** Kill the process group this long after the start; null = never. */
  timeoutMs?: number | null;
  onOutput(chunk: OutputChunk): void;
  killGraceMs?: number;
}

/** Who stopped a process: its timeout, a `task.cancel`, or the tentacle shutting down. */
export type StopReason = 'timeout' | 'cancel' | 'shutdown';

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Last bytes of each stream (TAIL_MAX_BYTES). */
  stdout: string;
  stderr: string;
  /** Why the process could not be started, if it could not. */
  spawnError: string | null;
  /** Set when the tentacle stopped it. */
  stoppedBy: StopReason | null;
  startedAt: number | null;
  endedAt: number;
}

/** Sends `signal` to every process of the group led by `pid`; a group already gone is fine. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * One foreground process in its own process group (so cancel and timeout reach its children too), with its
 * output streamed in chunks and its tails kept for the result.
 */
export class ManagedProcess {
  readonly done: Promise<ProcessOutcome>;
  private readonly child: ChildProcess;
  private readonly stdout: OutputStream;
  private readonly stderr: OutputStream;
  private resolve!: (outcome: ProcessOutcome) => void;
  private startedAt: number | null = null;
  private stoppedBy: StopReason | null = null;
  private spawnError: string | null = null;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private pipeTimer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(private readonly spec: ProcessSpec) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
    this.stdout = new OutputStream('stdout', spec.onOutput);
    this.stderr = new OutputStream('stderr', spec.onOutput);
    const stdio: ('ignore' | 'pipe')[] = ['ignore', 'pipe', 'pipe'];
    if (spec.gated) stdio.push('pipe');
    this.child = spawn(spec.shell, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio });
    this.child.stdout?.on('data', (data: Buffer) => this.stdout.write(data));
    this.child.stderr?.on('data', (data: Buffer) => this.stderr.write(data));
    // The gate's reader may be gone (killed before release): a failed write is of no interest.
    this.child.stdio[GATE_FD]?.on('error', () => undefined);
    this.child.on('error', (error) => {
      // Only a failed spawn matters here; a failed kill is reported by signalGroup.
      if (this.child.pid !== undefined) return;
      this.spawnError = error.message;
      this.finish();
    });
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.pipeTimer = setTimeout(() => this.finish(), PIPE_GRACE_MS);
    });
    this.child.on('close', () => this.finish());
    if (this.child.pid !== undefined && !spec.gated) this.started(Date.now());
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** When it was spawned (or, gated, released); null before. */
  get startedAtMs(): number | null {
    return this.startedAt;
  }

  /** Lets a gated process run; `at` is the instant it was let go (precise wall-clock ms). */
  release(at: number = Date.now()): void {
    if (!this.spec.gated || this.startedAt !== null || this.finished) return;
    // A plain write (no end: that costs a shutdown request) keeps the release fast when many are due at once;
    // our end of the gate is closed when the process is done.
    (this.child.stdio[GATE_FD] as Writable | null)?.write('\n');
    this.started(at);
  }

  /** Kills the process group: SIGTERM, then SIGKILL after the grace. */
  stop(reason: StopReason): void {
    if (this.finished || this.child.pid === undefined) return;
    this.stoppedBy ??= reason;
    const pid = this.child.pid;
    signalGroup(pid, 'SIGTERM');
    setTimeout(() => signalGroup(pid, 'SIGKILL'), this.spec.killGraceMs ?? KILL_GRACE_MS).unref();
  }

  private started(at: number): void {
    this.startedAt = at;
    const { timeoutMs } = this.spec;
    if (timeoutMs != null) this.timeoutTimer = setTimeout(() => this.stop('timeout'), timeoutMs);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.pipeTimer);
    // Output after this point (a grandchild holding the pipes) is not waited for.
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    (this.child.stdio[GATE_FD] as Writable | null | undefined)?.destroy();
    this.stdout.end();
    this.stderr.end();
    this.resolve({
      exitCode: this.exit?.code ?? null,
      signal: this.exit?.signal ?? null,
      stdout: this.stdout.tailText(),
      stderr: this.stderr.tailText(),
      spawnError: this.spawnError,
      stoppedBy: this.stoppedBy,
      startedAt: this.startedAt,
      endedAt: Date.now(),
    });
  }
}

/** A background process: detached, output discarded, not waited for. Resolves with its pid once spawned. */
export function spawnBackground(
  spec: Pick<ProcessSpec, 'shell' | 'args' | 'cwd' | 'env'>,
): Promise<{ pid: number; child: ChildProcess }> {
  const child = spawn(spec.shell, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: 'ignore',
  });
  return new Promise((resolve, reject) => {
    // Stays attached: an error after the spawn must not crash the tentacle (rejecting then is a no-op).
    child.on('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve({ pid: child.pid as number, child });
    });
  });
}
