import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { ReleaseError } from './errors';

/** Length of a raw Ed25519 signature. */
const SIGNATURE_BYTES = 64;

export interface ReleaseKeys {
  /** PKCS#8 PEM: keep it secret (mode 0600). */
  privateKeyPem: string;
  /** SPKI PEM: every pakma holds it as `releaseKey`. */
  publicKeyPem: string;
}

/** A fresh Ed25519 key pair for signing releases. */
export function generateReleaseKeys(): ReleaseKeys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Base64 of the raw Ed25519 signature over exactly `bytes` (the contents of the `.sig` file). */
export function signRelease(bytes: Uint8Array, privateKeyPem: string): string {
  const key = ed25519Key(() => createPrivateKey(privateKeyPem), 'private');
  return sign(null, bytes, key).toString('base64');
}

/**
 * Checks that `signature` (the `.sig` file's text) is `publicKeyPem`'s signature over exactly `bytes`. Throws
 * ReleaseError: `not_signed` without a signature, `bad_signature` when it does not verify, `bad_key` for a key
 * that is not an Ed25519 public key.
 */
export function verifyRelease(bytes: Uint8Array, signature: string | undefined, publicKeyPem: string): void {
  const key = publicKey(publicKeyPem);
  const text = (signature ?? '').trim();
  if (text === '') throw new ReleaseError('not_signed', 'release is not signed');
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (raw.length !== SIGNATURE_BYTES || !verify(null, bytes, key, raw)) {
    throw new ReleaseError('bad_signature', 'release signature does not verify');
  }
}

/** Throws ReleaseError `bad_key` unless `publicKeyPem` is an Ed25519 public key (checked at start-up). */
export function checkReleasePublicKey(publicKeyPem: string): void {
  publicKey(publicKeyPem);
}

function publicKey(pem: string): KeyObject {
  // createPublicKey accepts a private key too; a node must never hold the signing key.
  if (pem.includes('PRIVATE KEY-----')) {
    throw new ReleaseError(
      'bad_key',
      'release public key is a private key: give nodes release.pub, never release.key',
    );
  }
  return ed25519Key(() => createPublicKey(pem), 'public');
}

function ed25519Key(load: () => KeyObject, kind: 'private' | 'public'): KeyObject {
  let key: KeyObject;
  try {
    key = load();
  } catch (error) {
    throw new ReleaseError(
      'bad_key',
      `release ${kind} key is not a readable PEM key (${(error as Error).message})`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519' || key.type !== kind) {
    throw new ReleaseError('bad_key', `release ${kind} key must be an Ed25519 ${kind} key`);
  }
  return key;
}
