import { describe, expect, it } from 'vitest';
import { countQuery } from './logs.query';

describe('countQuery', () => {
  it('falls back when the parameter is absent or empty', () => {
    expect(countQuery(undefined, 30, 100)).toBe(30);
    expect(countQuery('', 30, 100)).toBe(30);
  });

  it('reads a whole number, the first of repeated parameters', () => {
    expect(countQuery('7', 30, 100)).toBe(7);
    expect(countQuery(['0', '9'], 30, 100)).toBe(0);
  });

  it('refuses what is not a whole number within the limit', () => {
    for (const bad of ['-1', '1.5', 'ten', '101', ' 3', {}]) expect(countQuery(bad, 30, 100)).toBeNull();
  });
});
