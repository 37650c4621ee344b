import type { Logger } from 'pino';
import type { Clock } from '../clock';
import { PreviewWatch } from '../health/preview-watch';
import type { Installer } from '../install/installer';
import type { History } from '../state/history';
import {
  STATE_NAMES,
  StateType,
  cancelProblem,
  cancelled,
  confirmProblem,
  confirmed,
  downgradeProblem,
  downgraded,
  installProblem,
  installed,
  upgradeProblem,
  upgraded,
  versionsInUse,
  type PakmaState,
} from '../state/pakma-state';
import { Serial } from './serial';

/** A reply in Octopoda's shape: 200 or 400 with a `msg` (and the state or history fields). */
export interface Reply {
  status: 200 | 400;
  body: { msg: string } & Record<string, unknown>;
}

export interface SupervisorOptions {
  state: PakmaState;
  saveState: (state: PakmaState) => Promise<void>;
  history: History;
  installer: Installer;
  clock: Clock;
  previewMs: number;
  healthyMs: number;
  /** Health of a preview version; without one a preview is confirmed only by hand (or rolled back). */
  probe?: (version: string) => Promise<boolean>;
  logger: Logger;
}

/** A failed automatic rollback is tried again this much later. */
const ROLLBACK_RETRY_MS = 30_000;

const ok = (): Reply => ({ status: 200, body: { msg: 'OK' } });
const refused = (msg: string): Reply => ({ status: 400, body: { msg } });

/**
 * Octopoda's pakma state machine. Requests are checked against the state once every earlier operation finished,
 * answered at once, and carried out in the background one at a time; a background failure is reported once, by
 * the next `/state`. A preview is confirmed when the probe says healthy long enough, and rolled back at its deadline.
 */
export class Supervisor {
  private state: PakmaState;
  private readonly serial = new Serial();
  private failure: string | undefined;
  private watch: PreviewWatch | undefined;
  private closed = false;

  constructor(private readonly options: SupervisorOptions) {
    this.state = options.state;
    // A preview found at start-up (pakma restarted) keeps its deadline: rolled back at once if it passed.
    if (this.state.type === StateType.preview) {
      this.watchPreview(
        this.state.preview,
        this.state.previewDeadline ?? options.clock.now() + options.previewMs,
      );
    }
  }

  /** `GET /state`: waits for a running operation, then reports the state, or its failure once (400). */
  getState(): Promise<Reply> {
    return this.serial.run(() => {
      const { state } = this;
      const body: Reply['body'] = {
        msg: this.failure ?? 'OK',
        state_type: state.type,
        state_msg: STATE_NAMES[state.type],
      };
      if (state.last) body.last_version = state.last;
      if (state.current) body.curr_version = state.current;
      if (state.preview) body.preview_version = state.preview;
      const status = this.failure === undefined ? 200 : 400;
      this.failure = undefined;
      return { status, body };
    });
  }

  install(version: string | undefined): Promise<Reply> {
    return this.begin(
      () => installProblem(this.state, version),
      async () => {
        const v = version as string;
        await this.attempt(
          () => this.options.installer.activate(v),
          () => installed(v),
          `Install version ${v} as stable version`,
          `Fail to install version ${v} as stable version`,
        );
      },
    );
  }

  upgrade(version: string | undefined): Promise<Reply> {
    return this.begin(
      () => upgradeProblem(this.state, version),
      async () => {
        const v = version as string;
        const from = this.state.current;
        // The trial starts once the new version was started, not when the download began.
        const deadline = () => this.options.clock.now() + this.options.previewMs;
        const done = await this.attempt(
          () => this.options.installer.activate(v),
          () => upgraded(this.state, v, deadline()),
          `Upgrade stable version ${from} to version ${v} as preview version`,
          `Fail to upgrade stable version ${from} to version ${v} as preview version`,
        );
        if (done) this.watchPreview(v, this.state.previewDeadline ?? deadline());
      },
    );
  }

  confirm(): Promise<Reply> {
    return this.begin(
      () => confirmProblem(this.state),
      () => this.doConfirm(`Confirm preview version ${this.state.preview} as stable version`),
    );
  }

  cancel(): Promise<Reply> {
    return this.begin(
      () => cancelProblem(this.state),
      () =>
        this.doRollback(
          `Cancel preview version ${this.state.preview} and back to stable version ${this.state.current}`,
          'Fail to cancel',
        ),
    );
  }

  downgrade(): Promise<Reply> {
    return this.begin(
      () => downgradeProblem(this.state),
      async () => {
        const { current, last } = this.state;
        await this.attempt(
          () => this.options.installer.activate(last),
          () => downgraded(this.state),
          `version ${current} downgrade to version ${last} as stable version`,
          `Fail to downgrade version ${current} to version ${last} as stable version`,
        );
      },
    );
  }

  /** Deletes cached downloads and installed versions the state no longer names. */
  clean(): Promise<Reply> {
    return this.begin(
      () => undefined,
      async () => {
        const removed = await this.options.installer.clean(versionsInUse(this.state));
        this.options.logger.info({ removed }, 'cleaned');
      },
    );
  }

  /** `GET /history`: see History.search. */
  history(fromSeconds: number, limit: number): Reply {
    return { status: 200, body: { msg: 'OK', history: this.options.history.search(fromSeconds, limit) } };
  }

  /** Stops the preview watch and waits for a running operation. */
  async close(): Promise<void> {
    this.closed = true;
    this.watch?.stop();
    await this.serial.run(() => undefined);
  }

  /** Checks the request once earlier operations are done; if allowed, answers OK and runs `operation` after. */
  private async begin(check: () => string | undefined, operation: () => Promise<void>): Promise<Reply> {
    const release = await this.serial.acquire();
    const problem = check();
    if (problem) {
      release();
      return refused(problem);
    }
    void operation()
      .catch((error: unknown) => this.fail(error))
      .finally(release);
    return ok();
  }

  /** Runs `work`; on success moves to `next()` and records `success`, on failure records `failure` and the error. */
  private async attempt(
    work: () => Promise<void>,
    next: () => PakmaState,
    success: string,
    failure: string,
  ): Promise<boolean> {
    try {
      await work();
    } catch (error) {
      await this.record(failure);
      this.fail(error);
      return false;
    }
    await this.moveTo(next());
    await this.record(success);
    return true;
  }

  private async doConfirm(message: string): Promise<void> {
    this.stopWatch();
    await this.moveTo(confirmed(this.state));
    await this.record(message);
  }

  /**
   * Back to the stable version (cancel, or a preview that did not come up in time). When that fails the preview
   * stays, still watched: rolled back at its deadline, or a while from now if that passed.
   */
  private async doRollback(message: string, failurePrefix: string): Promise<void> {
    this.stopWatch();
    const { current, preview } = this.state;
    const done = await this.attempt(
      () => this.options.installer.activate(current),
      () => cancelled(this.state),
      message,
      `${failurePrefix} preview version ${preview} and back to stable version ${current}`,
    );
    if (!done) {
      const retryAt = this.options.clock.now() + ROLLBACK_RETRY_MS;
      this.watchPreview(preview, Math.max(this.state.previewDeadline ?? retryAt, retryAt));
    }
  }

  private watchPreview(version: string, deadline: number): void {
    const { clock, probe, healthyMs, logger } = this.options;
    this.stopWatch();
    if (this.closed) return;
    logger.info({ version, deadline: new Date(deadline).toISOString() }, 'watching preview');
    this.watch = new PreviewWatch({
      clock,
      version,
      deadline,
      probe,
      healthyMs,
      pollMs: Math.max(50, Math.min(1000, healthyMs / 4)),
      onHealthy: () =>
        void this.automatically(version, () =>
          this.doConfirm(
            `Confirm preview version ${version} as stable version: healthy for ${healthyMs / 1000} s`,
          ),
        ),
      onExpired: () =>
        void this.automatically(version, () =>
          this.doRollback(
            `Roll back preview version ${version} to stable version ${this.state.current}: not healthy in time`,
            'Fail to roll back',
          ),
        ),
    });
  }

  /** A decision of the watch, taken only if that preview is still the state's once earlier operations are done. */
  private async automatically(version: string, operation: () => Promise<void>): Promise<void> {
    await this.serial
      .run(async () => {
        if (this.closed || this.state.type !== StateType.preview || this.state.preview !== version) return;
        await operation();
      })
      .catch((error: unknown) => this.fail(error));
  }

  private stopWatch(): void {
    this.watch?.stop();
    this.watch = undefined;
  }

  private async moveTo(next: PakmaState): Promise<void> {
    await this.options.saveState(next);
    this.state = next;
  }

  private async record(message: string): Promise<void> {
    this.options.logger.info({ history: message }, 'history');
    await this.options.history
      .write(message, this.options.clock.now())
      .catch((error: Error) =>
        this.options.logger.warn({ err: error.message }, 'cannot write the history file'),
      );
  }

  private fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger.error({ err: message }, 'operation failed');
    this.failure = message;
  }
}
