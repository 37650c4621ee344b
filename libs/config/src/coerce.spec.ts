import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { booleanish, numeric } from './coerce';

describe('numeric', () => {
  const port = numeric(z.number().int().min(1));

  it('turns numeric strings into numbers and passes numbers through', () => {
    expect(port.parse('8080')).toBe(8080);
    expect(port.parse(' 42 ')).toBe(42);
    expect(port.parse(7)).toBe(7);
    expect(numeric(z.number()).parse('0.5')).toBe(0.5);
  });

  it('leaves anything else for the inner schema to refuse', () => {
    expect(port.safeParse('abc').error?.issues[0]?.message).toBe(
      'Invalid input: expected number, received string',
    );
    expect(port.safeParse('').error?.issues[0]?.message).toBe(
      'Invalid input: expected number, received string',
    );
    expect(port.safeParse('0').success).toBe(false);
  });

  it('keeps defaults working for a missing value', () => {
    expect(numeric(z.number()).default(3).parse(undefined)).toBe(3);
  });
});

describe('booleanish', () => {
  const flag = booleanish(z.boolean());

  it('reads the usual words for true and false, in any case', () => {
    for (const word of ['true', '1', 'yes', 'ON', ' True ']) expect(flag.parse(word)).toBe(true);
    for (const word of ['false', '0', 'no', 'Off', '']) expect(flag.parse(word)).toBe(false);
    expect(flag.parse(true)).toBe(true);
  });

  it('refuses other strings', () => {
    expect(flag.safeParse('maybe').success).toBe(false);
  });
});
