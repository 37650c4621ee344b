import { createCsr, writeCertifiedKey } from '@octopod/pki';
import type { ApiResponse, TestBrain } from '../../../test/brain-harness';

export interface CreatedToken {
  token: string;
  id: string;
  name: string | null;
  expiresAt: string;
  caFingerprint: string;
}

export async function createToken(t: TestBrain, body: { ttlSeconds?: number; name?: string } = {}) {
  const res = await t.api('/api/v2/nodes/tokens', { method: 'POST', body });
  if (res.status !== 201) throw new Error(`token create: ${res.status} ${res.text}`);
  return res.json() as CreatedToken;
}

/** POST /api/v2/enrol without a client certificate, as a fresh node does. */
export function enrol(
  t: TestBrain,
  body: { token: string; name: string; csr: string },
): Promise<ApiResponse> {
  return t.api('/api/v2/enrol', { method: 'POST', body, cert: null });
}

/**
 * Enrols `name` with a fresh key; on success writes the certificate and key as `<file>.pem/.key` in the test PKI
 * directory so `t.tentacle(name, { cert: file })` can use them.
 */
export async function enrolAs(
  t: TestBrain,
  token: string,
  name: string,
  file = `${name}-enrolled`,
): Promise<ApiResponse & { file: string }> {
  const { csrPem, keyPem } = createCsr(name);
  const res = await enrol(t, { token, name, csr: csrPem });
  if (res.status === 201) {
    const body = res.json() as { certificate: string };
    writeCertifiedKey(t.pki.dir, file, { certPem: body.certificate, keyPem });
  }
  return Object.assign(res, { file });
}
