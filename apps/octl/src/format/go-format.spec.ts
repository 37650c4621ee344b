import { describe, expect, it } from 'vitest';
import {
  goDateTime,
  goDurationMs,
  goDurationNs,
  goFixed,
  goPercent,
  goUsage,
  wallClockOf,
} from './go-format';

describe('goDuration (time.Duration.String)', () => {
  it.each([
    [0n, '0s'],
    [1n, '1ns'],
    [999n, '999ns'],
    [1_500n, '1.5µs'],
    [1_000_000n, '1ms'],
    [1_500_000n, '1.5ms'],
    [999_999_999n, '999.999999ms'],
    [1_000_000_000n, '1s'],
    [162_480_000_000n, '2m42.48s'],
    [60_000_000_000n, '1m0s'],
    [3_600_000_000_000n, '1h0m0s'],
    [3_723_000_000_001n, '1h2m3.000000001s'],
    [90n * 24n * 3_600_000_000_000n, '2160h0m0s'],
    [-1_200_000_000n, '-1.2s'],
  ])('%s ns → %s', (ns, text) => {
    expect(goDurationNs(ns)).toBe(text);
  });

  it('takes milliseconds, fractional or beyond 2^53 ns', () => {
    expect(goDurationMs(162_483)).toBe('2m42.483s');
    expect(goDurationMs(0.25)).toBe('250µs');
    expect(goDurationMs(400 * 86_400_000)).toBe('9600h0m0s');
  });
});

describe('goFixed (%.Nf)', () => {
  it.each([
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [0.25, 1, '0.2'],
    [0.35, 1, '0.3'],
    [1.05, 1, '1.1'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [12.34, 1, '12.3'],
    [100, 1, '100.0'],
    [1e21, 1, '1000000000000000000000.0'],
    [5e-324, 2, '0.00'],
    [-0.01, 1, '-0.0'],
    [NaN, 1, 'NaN'],
    [Infinity, 1, '+Inf'],
  ])('%s with %i decimals → %s', (x, prec, text) => {
    expect(goFixed(x, prec)).toBe(text);
  });
});

describe('Octopoda status formats', () => {
  it('pads percentages to width 5 (%5.1f%%)', () => {
    expect(goPercent(3.14159)).toBe('  3.1%');
    expect(goPercent(100)).toBe('100.0%');
    expect(goPercent(0 / 0)).toBe('  NaN%');
  });

  it('formats usage as "%5.1f%%: (%.2fGB / %.2fGB)"', () => {
    expect(goUsage(2 * 1_073_741_824, 8 * 1_073_741_824)).toBe(' 25.0%: (2.00GB / 8.00GB)');
    expect(goUsage(123_456_789, 987_654_321)).toBe(' 12.5%: (0.11GB / 0.92GB)');
  });

  it('formats times as 2006-01-02 15:04:05', () => {
    expect(goDateTime(new Date(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(wallClockOf('2024-06-18T15:04:05.123+08:00')).toBe('2024-06-18 15:04:05');
    expect(wallClockOf('2024-06-18T07:04:05Z')).toBe('2024-06-18 07:04:05');
  });
});
