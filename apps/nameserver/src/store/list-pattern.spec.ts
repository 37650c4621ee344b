import { describe, expect, it } from 'vitest';
import { buildListPattern, escapeGlob, isListMethod } from './list-pattern';

describe('escapeGlob', () => {
  it('escapes every Redis glob metacharacter', () => {
    expect(escapeGlob('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
  });

  it('leaves ordinary key characters alone', () => {
    expect(escapeGlob('brain.tentacleFace-1:x_y^')).toBe('brain.tentacleFace-1:x_y^');
  });
});

describe('buildListPattern', () => {
  const ns = 'NameEntry:';

  it('builds exactly what each method names, without a leading *', () => {
    expect(buildListPattern(ns, 'prefix', 'brain')).toBe('NameEntry:brain*');
    expect(buildListPattern(ns, 'suffix', '.message')).toBe('NameEntry:*.message');
    expect(buildListPattern(ns, 'contain', 'Face')).toBe('NameEntry:*Face*');
    expect(buildListPattern(ns, 'equal', 'brain.octlFace.request')).toBe('NameEntry:brain.octlFace.request');
    expect(buildListPattern(ns, 'all', 'ignored')).toBe('NameEntry:*');
  });

  it('treats glob characters in match and in the key prefix literally', () => {
    expect(buildListPattern('t[1]:NameEntry:', 'prefix', 'a*')).toBe('t\\[1\\]:NameEntry:a\\**');
    expect(buildListPattern(ns, 'equal', '?')).toBe('NameEntry:\\?');
  });
});

describe('isListMethod', () => {
  it('knows the five Octopoda methods only', () => {
    for (const method of ['prefix', 'suffix', 'contain', 'equal', 'all'])
      expect(isListMethod(method)).toBe(true);
    expect(isListMethod('regex')).toBe(false);
    expect(isListMethod('')).toBe(false);
  });
});
