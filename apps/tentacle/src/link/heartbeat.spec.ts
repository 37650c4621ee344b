import { describe, expect, it } from 'vitest';
import { HeartbeatTracker } from './heartbeat';

/** A tentacle clock we move by hand; the brain's clock runs `offset` ms ahead. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('HeartbeatTracker', () => {
  it('numbers heartbeats and sends null estimates until the first ack', () => {
    const c = clock();
    const tracker = new HeartbeatTracker(c.now);
    expect(tracker.next()).toEqual({
      seq: 0,
      t1: 1_000_000,
      delayMs: null,
      offsetMs: null,
      offsetErrorMs: null,
    });
    c.advance(1000);
    expect(tracker.next()).toMatchObject({ seq: 1, t1: 1_001_000, delayMs: null });
  });

  it('turns an ack into delay and offset, carried by the next heartbeat', () => {
    const c = clock();
    const tracker = new HeartbeatTracker(c.now);
    const offset = 500;
    const hb = tracker.next();
    c.advance(10); // 10 ms up
    const t2 = c.now() + offset;
    c.advance(10); // 10 ms down
    const estimate = tracker.ack({ seq: hb.seq, t1: hb.t1, t2, t3: t2 });
    expect(estimate).toEqual({ delayMs: 10, offsetMs: offset, offsetErrorMs: 10 });
    expect(tracker.next()).toMatchObject({ seq: 1, delayMs: 10, offsetMs: offset, offsetErrorMs: 10 });
  });

  it('keeps the offset of the lowest-rtt sample and averages delay', () => {
    const c = clock();
    const tracker = new HeartbeatTracker(c.now);
    const exchange = (up: number, down: number, offset: number) => {
      const hb = tracker.next();
      c.advance(up);
      const t2 = c.now() + offset;
      c.advance(down);
      return tracker.ack({ seq: hb.seq, t1: hb.t1, t2, t3: t2 });
    };
    exchange(50, 50, 100); // rtt 100: asymmetric queueing makes it less trustworthy
    const estimate = exchange(2, 2, 40); // rtt 4
    expect(estimate).toEqual({ delayMs: (50 + 2) / 2, offsetMs: 40, offsetErrorMs: 2 });
  });

  it('ignores acks that match nothing sent (unknown seq or wrong t1)', () => {
    const c = clock();
    const tracker = new HeartbeatTracker(c.now);
    const hb = tracker.next();
    expect(tracker.ack({ seq: 99, t1: hb.t1, t2: 0, t3: 0 })).toBeNull();
    expect(tracker.ack({ seq: hb.seq, t1: hb.t1 + 1, t2: 0, t3: 0 })).toBeNull();
    expect(tracker.estimate()).toBeNull();
  });

  it('does not count the same ack twice', () => {
    const c = clock();
    const tracker = new HeartbeatTracker(c.now);
    const hb = tracker.next();
    expect(tracker.ack({ seq: hb.seq, t1: hb.t1, t2: hb.t1, t3: hb.t1 })).not.toBeNull();
    expect(tracker.ack({ seq: hb.seq, t1: hb.t1, t2: hb.t1, t3: hb.t1 })).toBeNull();
  });

  it('measures silence since the last matching ack', () => {
    const c = clock();
    const tracker = new HeartbeatTracker(c.now);
    const first = tracker.next();
    c.advance(2500);
    expect(tracker.silenceMs()).toBe(2500);
    tracker.next();
    tracker.ack({ seq: first.seq, t1: first.t1, t2: first.t1, t3: first.t1 });
    expect(tracker.silenceMs()).toBe(0);
    c.advance(700);
    expect(tracker.silenceMs()).toBe(700);
  });
});
