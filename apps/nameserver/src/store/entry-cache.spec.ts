import { describe, expect, it } from 'vitest';
import { EntryCache } from './entry-cache';

function cacheWithClock(capacity = 3, maxAgeMs = 1000) {
  const clock = { now: 1_000_000 };
  const cache = new EntryCache<string>(capacity, maxAgeMs, () => clock.now);
  return { cache, clock };
}

describe('EntryCache', () => {
  it('serves a filled value until maxAge', () => {
    const { cache, clock } = cacheWithClock();
    cache.fill('k', 'v', cache.epoch, null);
    clock.now += 999;
    expect(cache.get('k')).toBe('v');
    clock.now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('never serves past the remaining lifetime of the key', () => {
    const { cache, clock } = cacheWithClock();
    cache.fill('k', 'v', cache.epoch, 200);
    clock.now += 199;
    expect(cache.get('k')).toBe('v');
    clock.now += 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('drops invalidated keys', () => {
    const { cache } = cacheWithClock();
    cache.fill('k', 'v', cache.epoch, null);
    cache.invalidate(['k']);
    expect(cache.get('k')).toBeUndefined();
  });

  it('refuses a fill from a read that started before a write', () => {
    const { cache } = cacheWithClock();
    const epoch = cache.epoch;
    cache.invalidate(['other']);
    cache.fill('k', 'stale', epoch, null);
    expect(cache.get('k')).toBeUndefined();
  });

  it('evicts the oldest entry beyond capacity', () => {
    const { cache } = cacheWithClock(2);
    cache.fill('a', '1', cache.epoch, null);
    cache.fill('b', '2', cache.epoch, null);
    cache.fill('c', '3', cache.epoch, null);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('2');
    expect(cache.get('c')).toBe('3');
  });
});
