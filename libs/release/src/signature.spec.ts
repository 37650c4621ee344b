import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkReleasePublicKey, generateReleaseKeys, signRelease, verifyRelease } from './signature';

const keys = generateReleaseKeys();
const bytes = Buffer.from('release bytes \u0000 with a NUL');

describe('release signatures', () => {
  it('makes PEM Ed25519 keys whose signature verifies over the exact bytes', () => {
    expect(keys.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const signature = signRelease(bytes, keys.privateKeyPem);
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
    expect(() => verifyRelease(bytes, signature, keys.publicKeyPem)).not.toThrow();
    expect(() => verifyRelease(bytes, `${signature}\n`, keys.publicKeyPem)).not.toThrow();
  });

  it('refuses tampered bytes', () => {
    const signature = signRelease(bytes, keys.privateKeyPem);
    const tampered = Buffer.from(bytes);
    tampered[3] ^= 1;
    expect(() => verifyRelease(tampered, signature, keys.publicKeyPem)).toThrow(
      expect.objectContaining({ code: 'bad_signature', message: 'release signature does not verify' }),
    );
    expect(() =>
      verifyRelease(Buffer.concat([bytes, Buffer.from('x')]), signature, keys.publicKeyPem),
    ).toThrow('release signature does not verify');
  });

  it('refuses a signature made with another key', () => {
    const other = generateReleaseKeys();
    const signature = signRelease(bytes, other.privateKeyPem);
    expect(() => verifyRelease(bytes, signature, keys.publicKeyPem)).toThrow(
      'release signature does not verify',
    );
  });

  it('refuses a missing, empty or malformed signature', () => {
    expect(() => verifyRelease(bytes, undefined, keys.publicKeyPem)).toThrow(
      expect.objectContaining({ code: 'not_signed', message: 'release is not signed' }),
    );
    expect(() => verifyRelease(bytes, ' \n', keys.publicKeyPem)).toThrow('release is not signed');
    expect(() => verifyRelease(bytes, 'not base64!', keys.publicKeyPem)).toThrow(
      'release signature does not verify',
    );
    expect(() => verifyRelease(bytes, Buffer.alloc(63).toString('base64'), keys.publicKeyPem)).toThrow(
      'release signature does not verify',
    );
  });

  it('refuses keys that are not Ed25519 or not PEM', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPublic = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rsaPrivate = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const signature = signRelease(bytes, keys.privateKeyPem);
    expect(() => verifyRelease(bytes, signature, rsaPublic)).toThrow(
      expect.objectContaining({
        code: 'bad_key',
        message: 'release public key must be an Ed25519 public key',
      }),
    );
    expect(() => signRelease(bytes, rsaPrivate)).toThrow(
      'release private key must be an Ed25519 private key',
    );
    expect(() => signRelease(bytes, keys.publicKeyPem)).toThrow(expect.objectContaining({ code: 'bad_key' }));
    expect(() => verifyRelease(bytes, signature, 'garbage')).toThrow(
      /^release public key is not a readable PEM key/,
    );
    expect(() => checkReleasePublicKey(keys.publicKeyPem)).not.toThrow();
    expect(() => checkReleasePublicKey(rsaPublic)).toThrow(
      'release public key must be an Ed25519 public key',
    );
    expect(() => checkReleasePublicKey(keys.privateKeyPem)).toThrow(
      'release public key is a private key: give nodes release.pub, never release.key',
    );
  });
});
