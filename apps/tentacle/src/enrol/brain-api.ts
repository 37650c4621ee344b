import { request } from 'node:https';
import { formatAddress, type BrainAddress } from '../link/address';
import { BRAIN_SERVER_NAME } from '../link/dialler';
import { JoinError } from './join-error';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface RequestOptions {
  method: 'GET' | 'POST';
  body?: unknown;
  /** Trust only this CA (PEM); without it the server is not verified (the caller checks what it got instead). */
  ca?: string;
  timeoutMs: number;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

function call(address: BrainAddress, path: string, options: RequestOptions): Promise<Answer> {
  const where = formatAddress(address);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address.host,
        port: address.port,
        path,
        method: options.method,
        agent: false,
        timeout: options.timeoutMs,
        servername: BRAIN_SERVER_NAME,
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        headers: payload
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
          : {},
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (text.length > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
        });
        response.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            const parsed: unknown = JSON.parse(text);
            if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
          } catch {
            return reject(
              new JoinError(
                'bad_answer',
                `the brain's API at ${where} answered ${response.statusCode} with non-JSON`,
              ),
            );
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // node:tls names verification failures by code: UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID, …
      const verifying =
        options.ca !== undefined && /CERT|SIGNATURE|VERIFY|SELF_SIGNED/.test(error.code ?? '');
      reject(
        verifying
          ? new JoinError(
              'untrusted_server',
              `the brain's API at ${where} presented a server certificate the pinned CA did not sign (${error.message}); refusing to send the token`,
            )
          : new JoinError(
              'unreachable',
              `cannot reach the brain's API at ${where}: ${error.code ?? error.message}`,
            ),
      );
    });
    req.end(payload);
  });
}

/** The brain's CA certificate, fetched without trusting anything: the caller checks it against the pinned fingerprint. */
export async function fetchBrainCa(address: BrainAddress, timeoutMs: number): Promise<string> {
  const answer = await call(address, '/api/v2/enrol/ca', { method: 'GET', timeoutMs });
  const ca = answer.body.caCertificate;
  if (answer.status !== 200 || typeof ca !== 'string') {
    throw new JoinError(
      'bad_answer',
      `${formatAddress(address)} does not look like an Octopod brain API (GET /api/v2/enrol/ca answered ${answer.status})`,
    );
  }
  return ca;
}

export interface EnrolAnswer {
  certificate: string;
  caCertificate: string;
  serial: string;
  expiresAt: string;
}

/** Trades the token and CSR for a certificate, over TLS verified against the pinned CA only. */
export async function postEnrolment(
  address: BrainAddress,
  pinnedCa: string,
  body: { token: string; name: string; csr: string },
  timeoutMs: number,
): Promise<EnrolAnswer> {
  const answer = await call(address, '/api/v2/enrol', { method: 'POST', body, ca: pinnedCa, timeoutMs });
  if (answer.status !== 201) {
    const code = typeof answer.body.code === 'string' ? answer.body.code : 'error';
    const message = typeof answer.body.message === 'string' ? answer.body.message : 'no reason given';
    throw new JoinError('refused', `the brain refused the enrolment (${answer.status} ${code}): ${message}`);
  }
  const { certificate, caCertificate, serial, expiresAt } = answer.body;
  if (typeof certificate !== 'string' || typeof caCertificate !== 'string') {
    throw new JoinError('bad_answer', 'the brain answered the enrolment without a certificate');
  }
  return { certificate, caCertificate, serial: String(serial ?? ''), expiresAt: String(expiresAt ?? '') };
}
