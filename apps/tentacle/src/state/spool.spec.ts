import { describe, expect, it } from 'vitest';
import { spoolFileName } from './spool';

describe('spoolFileName', () => {
  it('uses plain ids as they are', () => {
    expect(spoolFileName('7d0e6c1a-1111-4000-8000-000000000001')).toBe(
      '7d0e6c1a-1111-4000-8000-000000000001.json',
    );
  });

  it('encodes ids that are not safe as file names, and never collides with a plain id', () => {
    expect(spoolFileName('../x')).toBe(`~${Buffer.from('../x').toString('hex')}.json`);
    expect(spoolFileName('.hidden')).toMatch(/^~/);
    const encoded = spoolFileName('a/b');
    expect(encoded).not.toContain('/');
    expect(spoolFileName(encoded.replace(/\.json$/, ''))).not.toBe(encoded);
  });
});
