import {
  createCa,
  issueClientCert,
  issueServerCert,
  writeCertifiedKey,
  type CertifiedKey,
} from '@octopod/pki';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  ca: CertifiedKey;
  caPath: string;
  /** Writes a server certificate `<name>.pem/.key` (SAN: octopoda, localhost, 127.0.0.1 + hosts). */
  server(name: string, hosts?: string[]): { certPath: string; keyPath: string };
  /** Writes a client certificate with CN = `commonName` as `<file ?? commonName>.pem/.key`. */
  client(commonName: string, file?: string): { certPath: string; keyPath: string };
}

/** A throw-away CA in `dir`, made with the project's own PKI. */
export function makeTestPki(dir: string, caName = 'Octopod Test CA'): TestPki {
  const ca = createCa({ commonName: caName });
  const { certPath: caPath } = writeCertifiedKey(dir, 'ca', ca);
  return {
    dir,
    ca,
    caPath,
    server: (name, hosts = []) =>
      writeCertifiedKey(dir, name, issueServerCert(ca, { commonName: name, hosts })),
    client: (commonName, file) =>
      writeCertifiedKey(join(dir), file ?? commonName, issueClientCert(ca, { commonName })),
  };
}
