import { createHash, randomBytes } from 'node:crypto';

/** Every API token starts with this, so secret scanners (and people) recognise a leaked one. */
export const TOKEN_PREFIX = 'opt_';
const SECRET_BYTES = 32;
/** base64url of 32 bytes is 43 characters. */
const TOKEN_PATTERN = /^opt_[A-Za-z0-9_-]{43}$/;

export const DEFAULT_TTL_SECONDS = 12 * 3600;
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 30 * 24 * 3600;

/** A new token: shown to its owner once; only `hash` is stored. */
export function newToken(): { token: string; hash: string } {
  const token = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** sha256 is enough: the secret has 256 random bits, so there is nothing to guess (unlike a password). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** Short public identifier of a token (listing, revocation, audit detail). */
export function newTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}

/** The lifetime asked for, or why it is refused. */
export function tokenTtlSeconds(asked: unknown): number | string {
  if (asked === undefined || asked === null) return DEFAULT_TTL_SECONDS;
  if (typeof asked !== 'number' || !Number.isInteger(asked)) return 'ttlSeconds must be a whole number';
  if (asked < MIN_TTL_SECONDS || asked > MAX_TTL_SECONDS) {
    return `ttlSeconds must be from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS} (30 days)`;
  }
  return asked;
}

export type TokenState = 'active' | 'expired' | 'revoked';

export function tokenState(token: { expiresAt: Date; revokedAt: Date | null }, now: number): TokenState {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt.getTime() <= now ? 'expired' : 'active';
}
