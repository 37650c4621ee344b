import { X509Certificate, createHash } from 'node:crypto';

export interface CertificateSummary {
  commonName: string;
  issuerCommonName: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  /** DNS names and IPs of the subjectAltName extension. */
  hosts: string[];
  /** sha256 of the DER encoding, lower-case hex. */
  fingerprint: string;
  isCa: boolean;
}

function commonNameFrom(distinguishedName: string): string {
  const line = distinguishedName.split('\n').find((part) => part.startsWith('CN='));
  return line ? line.slice(3) : '';
}

export function describeCertificate(pem: string | Buffer): CertificateSummary {
  const cert = new X509Certificate(pem);
  const hosts = (cert.subjectAltName ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
  return {
    commonName: commonNameFrom(cert.subject),
    issuerCommonName: commonNameFrom(cert.issuer),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    hosts,
    fingerprint: createHash('sha256').update(cert.raw).digest('hex'),
    isCa: cert.ca,
  };
}

/** True when `certPem` was signed by the CA in `caPem`. */
export function isIssuedBy(certPem: string | Buffer, caPem: string | Buffer): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
