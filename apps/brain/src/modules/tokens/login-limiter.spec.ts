import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter';

function limiter(maxKeys = 100) {
  let now = 1_000_000;
  const limits = { maxFailures: 3, windowMs: 60_000, maxKeys };
  return { l: new LoginLimiter(limits, () => now), advance: (ms: number) => (now += ms) };
}

describe('login limiter', () => {
  it('refuses after the allowed failures until the oldest ages out', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfterMs('a')).toBe(0);
      l.recordFailure('a');
      advance(10_000);
    }
    // Failures at 0 s, 10 s, 20 s; now 30 s: the first ages out at 60 s.
    expect(l.retryAfterMs('a')).toBe(30_000);
    expect(l.retryAfterMs('b')).toBe(0);
    advance(30_000);
    expect(l.retryAfterMs('a')).toBe(0);
  });

  it('forgets failures after a success', () => {
    const { l } = limiter();
    for (let i = 0; i < 3; i++) l.recordFailure('a');
    expect(l.retryAfterMs('a')).toBeGreaterThan(0);
    l.recordSuccess('a');
    expect(l.retryAfterMs('a')).toBe(0);
  });

  it('keeps a bounded number of keys, dropping those that failed longest ago', () => {
    const { l } = limiter(2);
    for (const key of ['a', 'b', 'a', 'c']) for (let i = 0; i < 3; i++) l.recordFailure(key);
    expect(l.retryAfterMs('b')).toBe(0);
    expect(l.retryAfterMs('a')).toBeGreaterThan(0);
    expect(l.retryAfterMs('c')).toBeGreaterThan(0);
  });
});
