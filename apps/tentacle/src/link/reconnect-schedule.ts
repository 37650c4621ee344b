import { backoffDelayMs } from '@octopod/protocol';

export interface ReconnectPolicy {
  /** Backoff base, ms. */
  baseMs: number;
  /** Backoff cap, ms. */
  capMs: number;
  /** A session that lasted longer than this counts as healthy and resets the backoff. */
  stableSessionMs?: number;
}

/** Large enough that base * 2^attempt passes any cap. */
const CAPPED_ATTEMPT = 30;

/** Decides how long to wait before the next connection attempt (capped exponential backoff, full jitter). */
export class ReconnectSchedule {
  private attempt = 0;

  constructor(
    private readonly policy: ReconnectPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  get attempts(): number {
    return this.attempt;
  }

  /** Call when a connection ends. `sessionMs` = how long it was welcomed (0 if never). */
  ended(sessionMs: number, options: { configProblem?: boolean } = {}): void {
    if (options.configProblem) {
      // Retrying fast cannot fix a wrong name or certificate: wait up to the cap each time.
      this.attempt = CAPPED_ATTEMPT;
    } else if (sessionMs > (this.policy.stableSessionMs ?? 10_000)) {
      this.attempt = 0;
    }
  }

  /** The delay before the next attempt; each call counts one more attempt. */
  nextDelayMs(): number {
    const delay = backoffDelayMs(this.attempt, this.policy.baseMs, this.policy.capMs, this.random);
    this.attempt = Math.min(this.attempt + 1, CAPPED_ATTEMPT);
    return delay;
  }
}
