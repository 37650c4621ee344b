import { describe, expect, it } from 'vitest';
import { CloseCode, REFUSAL_HEADER, UpgradeRefusal } from './envelope';

describe('close codes and upgrade refusals', () => {
  it('gives every close reason its own code, application reasons in 4000-4999', () => {
    const codes = Object.values(CloseCode);
    expect(new Set(codes).size).toBe(codes.length);
    const standard = [CloseCode.normal, CloseCode.goingAway, CloseCode.internalError] as number[];
    for (const code of codes.filter((c) => !standard.includes(c))) {
      expect(code).toBeGreaterThanOrEqual(4000);
      expect(code).toBeLessThan(5000);
    }
  });

  it('has a dedicated code for a revoked node, distinct from an identity mismatch', () => {
    expect(CloseCode.revoked).toBe(4401);
    expect(CloseCode.revoked).not.toBe(CloseCode.identityMismatch);
  });

  it('names upgrade refusals in a lower-case HTTP header with stable codes', () => {
    expect(REFUSAL_HEADER).toBe(REFUSAL_HEADER.toLowerCase());
    expect(UpgradeRefusal).toEqual({ revoked: 'revoked', wrongRole: 'wrong_role' });
  });
});
