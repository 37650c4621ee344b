import {
  describeCertificate,
  hasCertifiedKey,
  readCertifiedKey,
  writeCertifiedKey,
  type CertifiedKey,
} from '@octopod/pki';
import { chmodSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OctlError, UsageError } from '../../errors';
import type { View } from '../../output/output';

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function checkName(name: string): void {
  if (!FILE_NAME.test(name) || name === 'ca') {
    throw new UsageError(
      `bad certificate name "${name}": use letters, digits, ".", "_" or "-" (and not "ca")`,
    );
  }
}

/** Refuses to replace `<name>.pem`/`<name>.key` unless forced: a replaced key can lock machines out. */
export function guardOverwrite(dir: string, name: string, force: boolean): void {
  const existing = [`${name}.pem`, `${name}.key`].filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0 && !force) {
    throw new OctlError(`${join(dir, existing[0])} already exists; use --force to replace it`);
  }
}

export function loadCa(dir: string): CertifiedKey {
  if (!hasCertifiedKey(dir, 'ca')) {
    throw new OctlError(`no CA in ${dir} (ca.pem and ca.key); create one with: octl pki ca --dir ${dir}`);
  }
  return readCertifiedKey(dir, 'ca');
}

/** Writes the pair and reports it; the key is made 0600 even when it replaced an existing file. */
export function writePair(dirOption: string, name: string, pair: CertifiedKey): View {
  const dir = resolve(dirOption);
  const { certPath, keyPath } = writeCertifiedKey(dir, name, pair);
  chmodSync(keyPath, 0o600);
  const cert = describeCertificate(pair.certPem);
  const data = {
    certificate: {
      path: certPath,
      commonName: cert.commonName,
      issuer: cert.issuerCommonName,
      hosts: cert.hosts,
      ...(cert.role ? { role: cert.role } : {}),
      notAfter: cert.notAfter.toISOString(),
    },
    key: { path: keyPath, mode: '0600' },
  };
  const hosts = cert.hosts.length > 0 ? `, hosts ${cert.hosts.join(' ')}` : '';
  const role = cert.role ? `, role ${cert.role}` : '';
  return {
    data,
    table: () =>
      [
        `wrote ${certPath} (certificate CN=${cert.commonName}${role}, issued by ${cert.issuerCommonName}${hosts}, valid until ${data.certificate.notAfter.slice(0, 10)})`,
        `wrote ${keyPath} (private key, mode 0600)`,
      ].join('\n'),
  };
}
