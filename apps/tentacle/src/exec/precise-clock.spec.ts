import { afterEach, describe, expect, it, vi } from 'vitest';
import { atInstant, calibrate, spinUntil } from './precise-clock';

afterEach(() => vi.useRealTimers());

describe('precise clock', () => {
  it('maps the monotonic clock onto the wall clock at a tick of Date.now()', () => {
    const { offset } = calibrate();
    expect(Math.abs(performance.now() + offset - Date.now())).toBeLessThan(2);
  });

  it('returns at once from an instant already past', () => {
    const past = Date.now() - 50;
    const reached = spinUntil(past);
    expect(reached).toBeGreaterThan(past);
  });

  it('serves instants in order and drops a cancelled one', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const now = Date.now();
    const ran: string[] = [];
    atInstant(now - 2, () => ran.push('b'));
    const cancel = atInstant(now - 1, () => ran.push('cancelled'));
    atInstant(now - 3, () => ran.push('a'));
    const cancelLater = atInstant(now + 60_000, () => ran.push('later'));
    cancel();
    vi.advanceTimersByTime(0);
    expect(ran).toEqual(['a', 'b']);
    cancelLater();
  });
});
