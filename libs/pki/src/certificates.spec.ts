import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import {
  createCa,
  createCsr,
  issueClientCert,
  issueServerCert,
  readCsr,
  signClientCsr,
} from './certificates';
import { certificateFingerprint, checkPinnedCa, describeCertificate, isIssuedBy } from './inspect';
import { generateRsaKeyPair } from './keys';
import { roleFromSubject } from './roles';

describe('pki', () => {
  const ca = createCa({ commonName: 'Unit CA' });
  const otherCa = createCa({ commonName: 'Other CA' });

  it('makes a CA certificate', () => {
    const summary = describeCertificate(ca.certPem);
    expect(summary.commonName).toBe('Unit CA');
    expect(summary.isCa).toBe(true);
    expect(summary.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('issues server certificates whose SAN always names octopoda, localhost and 127.0.0.1', () => {
    const server = issueServerCert(ca, { commonName: 'brain', hosts: ['lab.example', '10.1.2.3'] });
    const summary = describeCertificate(server.certPem);
    expect(summary.commonName).toBe('brain');
    expect(summary.hosts).toEqual(
      expect.arrayContaining(['octopoda', 'localhost', '127.0.0.1', 'brain', 'lab.example', '10.1.2.3']),
    );
    expect(isIssuedBy(server.certPem, ca.certPem)).toBe(true);
    expect(isIssuedBy(server.certPem, otherCa.certPem)).toBe(false);
  });

  it('issues client certificates with CN = identity and OU = role', () => {
    const client = issueClientCert(ca, { commonName: 'pi-7', role: 'node' });
    expect(describeCertificate(client.certPem)).toMatchObject({ commonName: 'pi-7', role: 'node' });
    expect(new X509Certificate(client.certPem).subject).toContain('OU=node');
    expect(client.keyPem).toContain('RSA PRIVATE KEY');
    expect(describeCertificate(issueClientCert(ca, { commonName: 'ops', role: 'admin' }).certPem).role).toBe(
      'admin',
    );
  });

  it('refuses to issue a client certificate with an unknown role', () => {
    const role = 'root' as unknown as 'node';
    expect(() => issueClientCert(ca, { commonName: 'x', role })).toThrow(/role must be one of node, admin/);
  });

  it('gives server and CA certificates no role', () => {
    expect(describeCertificate(ca.certPem).role).toBeUndefined();
    expect(describeCertificate(issueServerCert(ca, { commonName: 'brain' }).certPem).role).toBeUndefined();
  });

  it('reads the role from a TLS peer subject: one OU naming a known role, nothing else', () => {
    expect(roleFromSubject({ OU: 'node' })).toBe('node');
    expect(roleFromSubject({ OU: 'admin' })).toBe('admin');
    expect(roleFromSubject({})).toBeUndefined();
    expect(roleFromSubject(undefined)).toBeUndefined();
    expect(roleFromSubject({ OU: 'Admin' })).toBeUndefined();
    expect(roleFromSubject({ OU: ['node', 'admin'] })).toBeUndefined();
  });

  it('signs a CSR with the CN and role the issuer chooses, not the ones requested', () => {
    const { csrPem } = createCsr('i-claim-to-be-brain');
    expect(readCsr(csrPem).commonName).toBe('i-claim-to-be-brain');
    const certPem = signClientCsr(ca, csrPem, { commonName: 'node-9', role: 'node' });
    expect(describeCertificate(certPem)).toMatchObject({ commonName: 'node-9', role: 'node' });
    expect(isIssuedBy(certPem, ca.certPem)).toBe(true);
  });

  it('makes a CSR for a key given in advance', () => {
    const keyPair = generateRsaKeyPair();
    const { csrPem, keyPem } = createCsr('pi-8', { keyPair });
    expect(keyPem).toBe(keyPair.privateKeyPem);
    expect(readCsr(csrPem).publicKeyPem.replace(/\s/g, '')).toBe(keyPair.publicKeyPem.replace(/\s/g, ''));
  });

  it('pins a CA by its sha256 fingerprint, in any case and with or without colons', () => {
    const fingerprint = certificateFingerprint(ca.certPem);
    expect(fingerprint).toBe(describeCertificate(ca.certPem).fingerprint);
    expect(checkPinnedCa(ca.certPem, fingerprint).commonName).toBe('Unit CA');
    const colons = fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    expect(checkPinnedCa(ca.certPem, colons).isCa).toBe(true);
    expect(() => checkPinnedCa(otherCa.certPem, fingerprint)).toThrow(/does not match the pinned/);
    expect(() => checkPinnedCa('not a certificate', fingerprint)).toThrow(/not a PEM certificate/);
  });

  it('refuses to pin a leaf certificate even when its fingerprint matches', () => {
    const leaf = issueServerCert(ca, { commonName: 'brain' }).certPem;
    expect(() => checkPinnedCa(leaf, certificateFingerprint(leaf))).toThrow(/not a CA certificate/);
  });

  it('rejects a CSR whose signature does not match', () => {
    const { csrPem } = createCsr('x');
    const tampered = csrPem.replace(
      /([A-Za-z0-9+/]{10})([A-Za-z0-9+/])/,
      (_m, a: string, b: string) => a + (b === 'A' ? 'B' : 'A'),
    );
    expect(() => signClientCsr(ca, tampered, { commonName: 'x', role: 'node' })).toThrow();
    expect(() => readCsr('garbage')).toThrow(/not a PEM certificate signing request/);
  });
});
