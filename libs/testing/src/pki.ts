import {
  createCa,
  issueClientCert,
  issueServerCert,
  writeCertifiedKey,
  type CertifiedKey,
  type ClientRole,
} from '@octopod/pki';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  ca: CertifiedKey;
  caPath: string;
  /** Where the CA key is (`ca.key`), for a brain that signs enrolments. */
  caKeyPath: string;
  /** Writes a server certificate `<name>.pem/.key` (SAN: octopoda, localhost, 127.0.0.1 + hosts). */
  server(name: string, hosts?: string[]): { certPath: string; keyPath: string };
  /** Writes a client certificate with CN = `commonName` and a role (default `node`) as `<file ?? commonName>.pem/.key`. */
  client(commonName: string, file?: string, role?: ClientRole): { certPath: string; keyPath: string };
  /** An `admin` client certificate (for /api/v2): CN `commonName` (default `admin`), file `<file ?? commonName>`. */
  admin(commonName?: string, file?: string): { certPath: string; keyPath: string };
}

/** A throw-away CA in `dir`, made with the project's own PKI. */
export function makeTestPki(dir: string, caName = 'Octopod Test CA'): TestPki {
  const ca = createCa({ commonName: caName });
  const { certPath: caPath, keyPath: caKeyPath } = writeCertifiedKey(dir, 'ca', ca);
  const client = (commonName: string, file?: string, role: ClientRole = 'node') =>
    writeCertifiedKey(join(dir), file ?? commonName, issueClientCert(ca, { commonName, role }));
  return {
    dir,
    ca,
    caPath,
    caKeyPath,
    server: (name, hosts = []) =>
      writeCertifiedKey(dir, name, issueServerCert(ca, { commonName: name, hosts })),
    client,
    admin: (commonName = 'admin', file) => client(commonName, file, 'admin'),
  };
}
