import type { Clock } from '../clock';

interface Timer {
  at: number;
  fn: () => void;
}

/** Lets the I/O and promise callbacks queued so far run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock that moves only when told to; `advance` fires the timers that fall due, in order. */
export class ManualClock implements Clock {
  private timers: Timer[] = [];

  constructor(private time = Date.parse('2026-11-23T10:00:00.000Z')) {}

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
    await settle();
  }

  get pending(): number {
    return this.timers.length;
  }
}
