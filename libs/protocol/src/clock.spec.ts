import { describe, expect, it } from 'vitest';
import { ClockEstimator, clockSample } from './clock';
import { backoffDelayMs } from './backoff';

describe('clock', () => {
  it('computes rtt and offset like NTP', () => {
    // Server is 100 ms ahead; 10 ms each way; server holds it 2 ms.
    expect(clockSample(1000, 1110, 1112, 1022)).toEqual({ rttMs: 20, offsetMs: 100 });
  });

  it('takes the offset of the fastest sample and averages delay over the recent ones', () => {
    const clock = new ClockEstimator(8, 2);
    clock.add({ rttMs: 40, offsetMs: 120 });
    clock.add({ rttMs: 4, offsetMs: 101 });
    const estimate = clock.add({ rttMs: 20, offsetMs: 90 });
    expect(estimate.offsetMs).toBe(101);
    expect(estimate.offsetErrorMs).toBe(2);
    expect(estimate.delayMs).toBe((2 + 10) / 2);
  });

  it('backs off exponentially with full jitter under a cap', () => {
    expect(backoffDelayMs(0, 500, 30_000, () => 0.999)).toBe(499);
    expect(backoffDelayMs(3, 500, 30_000, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(20, 500, 30_000, () => 0.999)).toBe(29_970);
    expect(backoffDelayMs(5, 500, 30_000, () => 0)).toBe(0);
  });
});
