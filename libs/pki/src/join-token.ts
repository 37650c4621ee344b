import { randomBytes } from 'node:crypto';
import { normalizeFingerprint } from './inspect';

/**
 * A join token lets one new node enrol once: `octopod-join1.<id>.<secret>.<ca fingerprint>`.
 * - `id`: 16 hex digits, names the token (listings, audit) and finds its row;
 * - `secret`: 32 random bytes, base64url; the brain keeps only its sha256;
 * - CA fingerprint: sha256 of the brain's CA certificate (DER), 64 hex digits; the node trusts a CA only if it
 *   has this fingerprint, so it needs nothing but the token to talk to the right brain.
 * The version word (`join1`) lets the format change later without guessing.
 */
export const JOIN_TOKEN_PREFIX = 'octopod-join1';

export interface JoinTokenParts {
  id: string;
  secret: string;
  caFingerprint: string;
}

/** Why a string is not a join token; the message says which part is wrong. */
export class JoinTokenFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoinTokenFormatError';
  }
}

const ID = /^[0-9a-f]{16}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const FINGERPRINT = /^[0-9a-f]{64}$/;

export function formatJoinToken(parts: JoinTokenParts): string {
  return [JOIN_TOKEN_PREFIX, parts.id, parts.secret, normalizeFingerprint(parts.caFingerprint)].join('.');
}

/** A fresh token for a CA with this fingerprint. */
export function newJoinToken(caFingerprint: string): JoinTokenParts & { token: string } {
  const parts = {
    id: randomBytes(8).toString('hex'),
    secret: randomBytes(32).toString('base64url'),
    caFingerprint: normalizeFingerprint(caFingerprint),
  };
  if (!FINGERPRINT.test(parts.caFingerprint)) {
    throw new JoinTokenFormatError('the CA fingerprint must be 64 hex digits (sha256)');
  }
  return { ...parts, token: formatJoinToken(parts) };
}

/** Splits and checks a token (surrounding whitespace is ignored, e.g. from a paste). Throws JoinTokenFormatError. */
export function parseJoinToken(text: string): JoinTokenParts {
  const parts = text.trim().split('.');
  if (parts[0] !== JOIN_TOKEN_PREFIX) {
    throw new JoinTokenFormatError(`a join token starts with "${JOIN_TOKEN_PREFIX}."`);
  }
  if (parts.length !== 4) {
    throw new JoinTokenFormatError(
      `a join token has 4 parts separated by ".", this one has ${parts.length} (copied whole?)`,
    );
  }
  const [, id, secret, caFingerprint] = parts as [string, string, string, string];
  if (!ID.test(id)) throw new JoinTokenFormatError('the join token id must be 16 hex digits');
  if (!SECRET.test(secret))
    throw new JoinTokenFormatError('the join token secret is not 43 base64url characters');
  if (!FINGERPRINT.test(caFingerprint)) {
    throw new JoinTokenFormatError('the join token CA fingerprint must be 64 lower-case hex digits');
  }
  return { id, secret, caFingerprint };
}
