import {
  ClockEstimator,
  clockSample,
  type ClockEstimate,
  type Heartbeat,
  type HeartbeatAck,
} from '@octopod/protocol';

/** How many unanswered heartbeats are remembered (an ack older than that is ignored). */
const MAX_IN_FLIGHT = 16;

/**
 * Heartbeat bookkeeping for one session: numbers heartbeats, stamps t1, matches acks to what was sent and
 * feeds NTP-style samples into a ClockEstimator. No timers and no I/O: the session drives it.
 */
export class HeartbeatTracker {
  private seq = 0;
  private readonly inFlight = new Map<number, number>();
  private lastAckAt: number;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly estimator = new ClockEstimator(),
  ) {
    this.lastAckAt = now();
  }

  /** The next heartbeat body, carrying the current estimate (nulls until the first round trip). */
  next(): Heartbeat {
    const t1 = this.now();
    const seq = this.seq++;
    this.inFlight.set(seq, t1);
    if (this.inFlight.size > MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value as number);
    const estimate = this.estimator.estimate();
    return {
      seq,
      t1,
      delayMs: estimate ? estimate.delayMs : null,
      offsetMs: estimate ? estimate.offsetMs : null,
      offsetErrorMs: estimate ? estimate.offsetErrorMs : null,
    };
  }

  /** Records an ack; returns the new estimate, or null when the ack matches nothing we sent. */
  ack(ack: HeartbeatAck): ClockEstimate | null {
    const t1 = this.inFlight.get(ack.seq);
    if (t1 === undefined || t1 !== ack.t1) return null;
    const t4 = this.now();
    // Acks for earlier heartbeats will not come any more (the brain answers in order).
    for (const seq of this.inFlight.keys()) if (seq <= ack.seq) this.inFlight.delete(seq);
    this.lastAckAt = t4;
    return this.estimator.add(clockSample(t1, ack.t2, ack.t3, t4));
  }

  estimate(): ClockEstimate | null {
    return this.estimator.estimate();
  }

  /** Milliseconds since the last matching ack (or since the tracker was made). */
  silenceMs(): number {
    return this.now() - this.lastAckAt;
  }
}
