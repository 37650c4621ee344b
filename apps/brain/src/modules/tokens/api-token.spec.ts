import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TTL_SECONDS,
  hashToken,
  looksLikeToken,
  MAX_TTL_SECONDS,
  newToken,
  newTokenId,
  tokenState,
  tokenTtlSeconds,
} from './api-token';
import { parseLogin } from './tokens.service';

describe('API token format', () => {
  it('makes a recognisable 256-bit secret and stores only its sha256', () => {
    const { token, hash } = newToken();
    expect(token).toMatch(/^opt_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashToken(token));
    expect(hash).not.toContain(token.slice(4));
    expect(newToken().token).not.toBe(token);
  });

  it('tells a token from other bearer secrets', () => {
    expect(looksLikeToken(newToken().token)).toBe(true);
    expect(looksLikeToken('root-secret')).toBe(false);
    expect(looksLikeToken(`opt_${'a'.repeat(42)}`)).toBe(false);
    expect(looksLikeToken(`xxx_${'a'.repeat(43)}`)).toBe(false);
  });

  it('names tokens with short public ids', () => {
    expect(newTokenId()).toMatch(/^tok_[0-9a-f]{16}$/);
  });

  it('bounds the lifetime', () => {
    expect(tokenTtlSeconds(undefined)).toBe(DEFAULT_TTL_SECONDS);
    expect(tokenTtlSeconds(3600)).toBe(3600);
    expect(tokenTtlSeconds(MAX_TTL_SECONDS + 1)).toMatch(/from 60 to/);
    expect(tokenTtlSeconds(10)).toMatch(/from 60 to/);
    expect(tokenTtlSeconds(1.5)).toMatch(/whole number/);
    expect(tokenTtlSeconds('3600')).toMatch(/whole number/);
  });

  it('says whether a token is active, expired or revoked', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const later = new Date(now + 1000);
    expect(tokenState({ expiresAt: later, revokedAt: null }, now)).toBe('active');
    expect(tokenState({ expiresAt: new Date(now), revokedAt: null }, now)).toBe('expired');
    expect(tokenState({ expiresAt: later, revokedAt: new Date(now) }, now)).toBe('revoked');
  });
});

describe('login body', () => {
  it('normalises the path and applies the default lifetime', () => {
    expect(parseLogin({ path: '/lab/', password: 'pw' })).toEqual({
      path: '/lab',
      password: 'pw',
      name: undefined,
      ttlSeconds: DEFAULT_TTL_SECONDS,
    });
    expect(parseLogin({ path: '/', password: 'pw', name: 'ci', ttlSeconds: 600 })).toMatchObject({
      path: '',
      name: 'ci',
      ttlSeconds: 600,
    });
  });

  it.each([
    [null, /body must be/],
    [{ password: 'pw' }, /path must be/],
    [{ path: '/' }, /password must be/],
    [{ path: '/', password: 'pw', name: '' }, /name must be/],
    [{ path: '/', password: 'pw', name: 'a\nb' }, /name must be/],
    [{ path: '/', password: 'pw', ttlSeconds: 1 }, /ttlSeconds/],
  ])('refuses %j', (body, message) => {
    expect(() => parseLogin(body)).toThrow(message);
  });
});
