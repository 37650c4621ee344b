import { X509Certificate, createHash } from 'node:crypto';
import { roleFromSubject, type ClientRole } from './roles';

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
  /** The client role in the subject OU (`node`, `admin`); absent on server, CA and role-less certificates. */
  role?: ClientRole;
}

function fieldsOf(distinguishedName: string, field: string): string[] {
  return distinguishedName
    .split('\n')
    .filter((part) => part.startsWith(`${field}=`))
    .map((part) => part.slice(field.length + 1));
}

function commonNameFrom(distinguishedName: string): string {
  return fieldsOf(distinguishedName, 'CN')[0] ?? '';
}

/** Lower-case hex without separators, as `describeCertificate` gives it; accepts `AB:CD:…` forms too. */
export function normalizeFingerprint(text: string): string {
  return text.replace(/:/g, '').trim().toLowerCase();
}

/** sha256 of a certificate's DER encoding, lower-case hex. */
export function certificateFingerprint(pem: string | Buffer): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

/**
 * Trust on a pinned fingerprint: `caPem` must be a CA certificate whose sha256 fingerprint is `fingerprint`. Throws
 * a readable error otherwise. Lets a node with nothing but a join token trust the brain's CA.
 */
export function checkPinnedCa(caPem: string | Buffer, fingerprint: string): CertificateSummary {
  let summary: CertificateSummary;
  try {
    summary = describeCertificate(caPem);
  } catch (error) {
    throw new Error(`not a PEM certificate (${(error as Error).message})`);
  }
  const expected = normalizeFingerprint(fingerprint);
  if (summary.fingerprint !== expected) {
    throw new Error(
      `CA certificate fingerprint ${summary.fingerprint} does not match the pinned ${expected}`,
    );
  }
  if (!summary.isCa)
    throw new Error(`the pinned certificate "${summary.commonName}" is not a CA certificate`);
  return summary;
}

function oneOrMany(values: string[]): string | string[] | undefined {
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
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
    role: roleFromSubject({ OU: oneOrMany(fieldsOf(cert.subject, 'OU')) }),
  };
}

/** True when `certPem` was signed by the CA in `caPem`. */
export function isIssuedBy(certPem: string | Buffer, caPem: string | Buffer): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
