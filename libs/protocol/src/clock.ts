/** One NTP-style exchange: t1 client send, t2 server receive, t3 server send, t4 client receive (ms). */
export interface ClockSample {
  rttMs: number;
  /** Server clock minus client clock. */
  offsetMs: number;
}

export function clockSample(t1: number, t2: number, t3: number, t4: number): ClockSample {
  const rttMs = Math.max(0, t4 - t1 - (t3 - t2));
  const offsetMs = (t2 - t1 + (t3 - t4)) / 2;
  return { rttMs, offsetMs };
}

export interface ClockEstimate {
  /** Moving average of rtt / 2 over the last few samples, as Octopoda reports "delay". */
  delayMs: number;
  /** Offset from the sample with the lowest rtt in the window (least queueing, least error). */
  offsetMs: number;
  /** Half the rtt of that sample: the true offset lies within offsetMs +- offsetErrorMs. */
  offsetErrorMs: number;
}

/** Keeps a window of samples and derives delay and clock offset the way NTP's clock filter does. */
export class ClockEstimator {
  private readonly samples: ClockSample[] = [];

  constructor(
    private readonly window = 8,
    private readonly delayWindow = 4,
  ) {}

  add(sample: ClockSample): ClockEstimate {
    this.samples.push(sample);
    if (this.samples.length > this.window) this.samples.shift();
    return this.estimate() as ClockEstimate;
  }

  estimate(): ClockEstimate | null {
    if (this.samples.length === 0) return null;
    const recent = this.samples.slice(-this.delayWindow);
    const delayMs = recent.reduce((sum, s) => sum + s.rttMs / 2, 0) / recent.length;
    const best = this.samples.reduce((a, b) => (b.rttMs < a.rttMs ? b : a));
    return { delayMs, offsetMs: best.offsetMs, offsetErrorMs: best.rttMs / 2 };
  }

  reset(): void {
    this.samples.length = 0;
  }
}
