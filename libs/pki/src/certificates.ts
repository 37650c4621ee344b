import forge from 'node-forge';
import { constants, privateEncrypt, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { generateRsaKeyPair, type KeyPairPem } from './keys';
import { CLIENT_ROLES, type ClientRole } from './roles';

/** A certificate with its private key, both PEM. */
export interface CertifiedKey {
  certPem: string;
  keyPem: string;
}

export interface CaOptions {
  commonName?: string;
  organization?: string;
  days?: number;
}

export interface LeafOptions {
  commonName: string;
  days?: number;
  /** Use this key instead of generating one (e.g. many simulated nodes sharing one key). */
  keyPair?: KeyPairPem;
}

export interface ClientCertOptions extends LeafOptions {
  role: ClientRole;
}

export interface ServerCertOptions extends LeafOptions {
  /** Extra DNS names and IP addresses for the SAN; `octopoda`, `localhost` and `127.0.0.1` are always added. */
  hosts?: string[];
}

/** Octopoda's clients verify the server name `octopoda`, so every server certificate carries it. */
export const ALWAYS_SERVER_HOSTS = ['octopoda', 'localhost', '127.0.0.1'] as const;

const DEFAULT_CA_DAYS = 3650;
const DEFAULT_LEAF_DAYS = 825;

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // positive ASN.1 integer
  return bytes.toString('hex');
}

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * A signer forge can use in place of its own private key: the RSA operation runs natively in node:crypto
 * (about 40x faster than forge's JavaScript, which matters when issuing thousands of node certificates).
 */
function nativeSigner(keyPem: string): forge.pki.rsa.PrivateKey {
  return {
    sign: (md: forge.md.MessageDigest) => {
      const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')]);
      return privateEncrypt({ key: keyPem, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString(
        'binary',
      );
    },
  } as unknown as forge.pki.rsa.PrivateKey;
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const notBefore = new Date(Date.now() - 5 * 60_000); // tolerate small clock skew between hosts
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + days * 86_400_000);
}

export function createCa(options: CaOptions = {}): CertifiedKey {
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerial();
  validity(cert, options.days ?? DEFAULT_CA_DAYS);
  const subject = [
    { name: 'commonName', value: options.commonName ?? 'Octopod CA' },
    { name: 'organizationName', value: options.organization ?? 'Octopod' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nativeSigner(keys.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

function subjectAltNames(hosts: readonly string[]): object[] {
  const unique = [...new Set(hosts.map((h) => h.trim()).filter(Boolean))];
  return unique.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
}

interface LeafSubject {
  commonName: string;
  role?: ClientRole;
}

function issueLeaf(
  ca: CertifiedKey,
  publicKeyPem: string,
  subject: LeafSubject,
  days: number,
  extensions: object[],
): string {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = randomSerial();
  validity(cert, days);
  cert.setSubject([
    { name: 'commonName', value: subject.commonName },
    { name: 'organizationName', value: 'Octopod' },
    ...(subject.role ? [{ name: 'organizationalUnitName', value: subject.role }] : []),
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(nativeSigner(ca.keyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A TLS server certificate; also usable as a client certificate (the brain uses it towards the name server). */
export function issueServerCert(ca: CertifiedKey, options: ServerCertOptions): CertifiedKey {
  const keys = options.keyPair ?? generateRsaKeyPair();
  const hosts = [...ALWAYS_SERVER_HOSTS, options.commonName, ...(options.hosts ?? [])];
  const subject = { commonName: options.commonName };
  const certPem = issueLeaf(ca, keys.publicKeyPem, subject, options.days ?? DEFAULT_LEAF_DAYS, [
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: subjectAltNames(hosts) },
  ]);
  return { certPem, keyPem: keys.privateKeyPem };
}

function checkRole(role: unknown): asserts role is ClientRole {
  if (!CLIENT_ROLES.includes(role as ClientRole)) {
    throw new Error(
      `client certificate role must be one of ${CLIENT_ROLES.join(', ')}, not "${String(role)}"`,
    );
  }
}

/** A TLS client certificate whose CN is the identity (a node name or a user name) and whose OU is its role. */
export function issueClientCert(ca: CertifiedKey, options: ClientCertOptions): CertifiedKey {
  checkRole(options.role);
  const keys = options.keyPair ?? generateRsaKeyPair();
  const subject = { commonName: options.commonName, role: options.role };
  const certPem = issueLeaf(ca, keys.publicKeyPem, subject, options.days ?? DEFAULT_LEAF_DAYS, [
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  return { certPem, keyPem: keys.privateKeyPem };
}

export interface CsrResult {
  csrPem: string;
  keyPem: string;
}

/** A key and a certificate signing request, made where the key will live (enrolment). */
export function createCsr(commonName: string, options: { keyPair?: KeyPairPem } = {}): CsrResult {
  const keys = options.keyPair ?? generateRsaKeyPair();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.setSubject([{ name: 'commonName', value: commonName }]);
  csr.sign(nativeSigner(keys.privateKeyPem), forge.md.sha256.create());
  return { csrPem: forge.pki.certificationRequestToPem(csr), keyPem: keys.privateKeyPem };
}

export interface CsrSummary {
  /** The CN the requester asked for (the issuer still decides what it signs). */
  commonName: string;
  publicKeyPem: string;
}

/** Parses a CSR and checks its self-signature; throws with a readable reason when it is not a valid one. */
export function readCsr(csrPem: string): CsrSummary {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch (error) {
    throw new Error(`not a PEM certificate signing request (${(error as Error).message})`);
  }
  let valid = false;
  try {
    valid = csr.verify();
  } catch {
    valid = false;
  }
  if (!valid || !csr.publicKey) throw new Error('certificate signing request has a bad signature');
  const cn = csr.subject.getField('CN') as { value?: unknown } | null;
  return {
    commonName: typeof cn?.value === 'string' ? cn.value : '',
    publicKeyPem: forge.pki.publicKeyToPem(csr.publicKey as forge.pki.rsa.PublicKey),
  };
}

export interface SignCsrOptions {
  /** The identity; the issuer decides it, not the CSR. */
  commonName: string;
  role: ClientRole;
  days?: number;
}

/** Signs a CSR as a client certificate. The CN and role come from the issuer, never from the CSR. */
export function signClientCsr(ca: CertifiedKey, csrPem: string, options: SignCsrOptions): string {
  checkRole(options.role);
  const { publicKeyPem } = readCsr(csrPem);
  const subject = { commonName: options.commonName, role: options.role };
  return issueLeaf(ca, publicKeyPem, subject, options.days ?? DEFAULT_LEAF_DAYS, [
    { name: 'extKeyUsage', clientAuth: true },
  ]);
}
