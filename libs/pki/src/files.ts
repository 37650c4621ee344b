import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CertifiedKey } from './certificates';

/** Writes `<name>.pem` and `<name>.key` (mode 0600) into `dir`; returns their paths. */
export function writeCertifiedKey(
  dir: string,
  name: string,
  pair: CertifiedKey,
): { certPath: string; keyPath: string } {
  mkdirSync(dir, { recursive: true });
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  writeFileSync(certPath, pair.certPem);
  writeFileSync(keyPath, pair.keyPem, { mode: 0o600 });
  return { certPath, keyPath };
}

export function readCertifiedKey(dir: string, name: string): CertifiedKey {
  return {
    certPem: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    keyPem: readFileSync(join(dir, `${name}.key`), 'utf8'),
  };
}

export function hasCertifiedKey(dir: string, name: string): boolean {
  return existsSync(join(dir, `${name}.pem`)) && existsSync(join(dir, `${name}.key`));
}
