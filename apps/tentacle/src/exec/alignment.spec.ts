import { describe, expect, it } from 'vitest';
import { decideAlignment, MAX_ALIGN_WAIT_MS } from './alignment';

const now = 1_000_000;
const estimate = (offsetMs: number, offsetErrorMs = 0.5) => ({ delayMs: 1, offsetMs, offsetErrorMs });

describe('decideAlignment', () => {
  it('converts the brain instant with the measured offset (brain − tentacle)', () => {
    // The brain's clock is 200 ms ahead: its instant now+1200 is our now+1000.
    expect(decideAlignment(now + 1200, 5, estimate(200), now)).toEqual({
      ok: true,
      localStartAt: now + 1000,
      waitMs: 1000,
    });
    expect(decideAlignment(now + 500, 5, estimate(-300), now)).toMatchObject({ ok: true, waitMs: 800 });
  });

  it('refuses without a measured offset', () => {
    const decision = decideAlignment(now + 500, 5, null, now);
    expect(decision).toEqual({ ok: false, reason: expect.stringMatching(/not measured/) });
  });

  it('refuses when the offset error bound exceeds the limit, and accepts it at the limit', () => {
    expect(decideAlignment(now + 500, 2, estimate(0, 2.5), now)).toEqual({
      ok: false,
      reason: expect.stringMatching(/error bound 2.5 ms exceeds 2 ms/),
    });
    expect(decideAlignment(now + 500, 2, estimate(0, 2), now).ok).toBe(true);
  });

  it('refuses an instant already past or more than 3 s away, and accepts both ends of the range', () => {
    expect(decideAlignment(now - 1, 5, estimate(0), now)).toEqual({
      ok: false,
      reason: expect.stringMatching(/passed 1 ms ago/),
    });
    expect(decideAlignment(now + MAX_ALIGN_WAIT_MS + 1, 5, estimate(0), now)).toEqual({
      ok: false,
      reason: expect.stringMatching(/3001 ms away/),
    });
    expect(decideAlignment(now, 5, estimate(0), now).ok).toBe(true);
    expect(decideAlignment(now + MAX_ALIGN_WAIT_MS, 5, estimate(0), now).ok).toBe(true);
    // The offset decides which side of the range an instant falls on.
    expect(decideAlignment(now + 100, 5, estimate(150), now).ok).toBe(false);
  });
});
