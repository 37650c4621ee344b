import { describe, expect, it } from 'vitest';
import { createCa, createCsr, issueClientCert, issueServerCert, signClientCsr } from './certificates';
import { describeCertificate, isIssuedBy } from './inspect';

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

  it('issues client certificates with CN = identity', () => {
    const client = issueClientCert(ca, { commonName: 'pi-7' });
    expect(describeCertificate(client.certPem).commonName).toBe('pi-7');
    expect(client.keyPem).toContain('RSA PRIVATE KEY');
  });

  it('signs a CSR with the CN the issuer chooses, not the one requested', () => {
    const { csrPem } = createCsr('i-claim-to-be-brain');
    const certPem = signClientCsr(ca, csrPem, 'node-9');
    expect(describeCertificate(certPem).commonName).toBe('node-9');
    expect(isIssuedBy(certPem, ca.certPem)).toBe(true);
  });

  it('rejects a CSR whose signature does not match', () => {
    const { csrPem } = createCsr('x');
    const tampered = csrPem.replace(
      /([A-Za-z0-9+/]{10})([A-Za-z0-9+/])/,
      (_m, a: string, b: string) => a + (b === 'A' ? 'B' : 'A'),
    );
    expect(() => signClientCsr(ca, tampered, 'x')).toThrow();
  });
});
