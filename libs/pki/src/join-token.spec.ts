import { describe, expect, it } from 'vitest';
import {
  JOIN_TOKEN_PREFIX,
  JoinTokenFormatError,
  formatJoinToken,
  newJoinToken,
  parseJoinToken,
} from './join-token';

const FINGERPRINT = 'ab'.repeat(32);

describe('join tokens', () => {
  it('round-trips: octopod-join1.<id>.<secret>.<fingerprint>', () => {
    const fresh = newJoinToken(FINGERPRINT.toUpperCase());
    expect(fresh.token.split('.')).toEqual([JOIN_TOKEN_PREFIX, fresh.id, fresh.secret, FINGERPRINT]);
    expect(fresh.id).toMatch(/^[0-9a-f]{16}$/);
    expect(fresh.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseJoinToken(fresh.token)).toEqual({
      id: fresh.id,
      secret: fresh.secret,
      caFingerprint: FINGERPRINT,
    });
    expect(parseJoinToken(`  ${fresh.token}\n`).id).toBe(fresh.id);
    expect(formatJoinToken(parseJoinToken(fresh.token))).toBe(fresh.token);
  });

  it('makes a different id and secret every time', () => {
    const a = newJoinToken(FINGERPRINT);
    const b = newJoinToken(FINGERPRINT);
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
  });

  it('refuses a fingerprint that is not sha256 hex when making one', () => {
    expect(() => newJoinToken('abc')).toThrow(JoinTokenFormatError);
  });

  it.each([
    ['', /starts with "octopod-join1\."/],
    ['octopod-join2.0123456789abcdef.x.y', /starts with "octopod-join1\."/],
    ['octopod-join1.0123456789abcdef', /4 parts .* has 2/],
    [`octopod-join1.0123456789ABCDEF.${'a'.repeat(43)}.${FINGERPRINT}`, /id must be 16 hex digits/],
    [`octopod-join1.0123456789abcdef.${'a'.repeat(42)}.${FINGERPRINT}`, /secret is not 43 base64url/],
    [`octopod-join1.0123456789abcdef.${'a'.repeat(42)}+.${FINGERPRINT}`, /secret is not 43 base64url/],
    [`octopod-join1.0123456789abcdef.${'a'.repeat(43)}.${'ab'.repeat(31)}`, /fingerprint must be 64/],
    [`octopod-join1.0123456789abcdef.${'a'.repeat(43)}.${FINGERPRINT}.extra`, /has 5/],
  ])('refuses %j with a reason', (text, reason) => {
    expect(() => parseJoinToken(text)).toThrow(reason);
  });
});
