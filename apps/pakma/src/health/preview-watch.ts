import type { Clock } from '../clock';

export interface PreviewWatchOptions {
  clock: Clock;
  version: string;
  /** Epoch ms: not confirmed by then means rolled back. */
  deadline: number;
  /** Whether `version` is up and linked right now; without one only the deadline is watched. */
  probe?: (version: string) => Promise<boolean>;
  /** How long the probe must say healthy without a break. */
  healthyMs: number;
  pollMs: number;
  onHealthy: () => void;
  onExpired: () => void;
}

/**
 * Watches a preview version: polls the probe and calls `onHealthy` once it said healthy at every poll for
 * `healthyMs`, or `onExpired` at the deadline, whichever comes first; then it is done. `stop()` ends it silently.
 */
export class PreviewWatch {
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private healthySince: number | undefined;

  constructor(private readonly options: PreviewWatchOptions) {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private schedule(ms: number): void {
    if (!this.stopped) this.cancelTimer = this.options.clock.after(ms, () => void this.tick());
  }

  private async tick(): Promise<void> {
    const { clock, probe, version, healthyMs, pollMs, deadline } = this.options;
    const healthy = probe ? await probe(version).catch(() => false) : false;
    if (this.stopped) return;
    const now = clock.now();
    this.healthySince = healthy ? (this.healthySince ?? now) : undefined;
    if (this.healthySince !== undefined && now - this.healthySince >= healthyMs)
      return this.finish(this.options.onHealthy);
    if (now >= deadline) return this.finish(this.options.onExpired);
    this.schedule(Math.min(pollMs, deadline - now));
  }

  private finish(callback: () => void): void {
    this.stopped = true;
    callback();
  }
}
