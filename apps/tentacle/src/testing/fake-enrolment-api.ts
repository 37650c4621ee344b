import { readCsr, signClientCsr, type CertifiedKey } from '@octopod/pki';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FakeEnrolmentApiOptions {
  /** The CA it signs with and serves at /api/v2/enrol/ca. */
  ca: CertifiedKey;
  /** Its TLS server certificate (may come from another CA, to play an impostor). */
  server: CertifiedKey;
  /** Serve this CA certificate instead of `ca`'s (an impostor showing a CA it does not own). */
  servedCaPem?: string;
}

/** The two public routes of the brain's API that `tentacle join` uses, signing like the real brain. */
export class FakeEnrolmentApi {
  readonly enrolments: { token: string; name: string }[] = [];
  /** When set, every enrolment is refused with this status and error body. */
  refusal: { status: number; code: string; message: string } | undefined;
  private server!: Server;

  static async start(options: FakeEnrolmentApiOptions): Promise<FakeEnrolmentApi> {
    const api = new FakeEnrolmentApi();
    api.server = createServer(
      { cert: options.server.certPem, key: options.server.keyPem },
      (request, response) => {
        const reply = (status: number, body: unknown) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (request.method === 'GET' && request.url === '/api/v2/enrol/ca') {
          return reply(200, {
            caCertificate: options.servedCaPem ?? options.ca.certPem,
            fingerprint: '',
            enabled: true,
          });
        }
        if (request.method !== 'POST' || request.url !== '/api/v2/enrol') return reply(404, {});
        let text = '';
        request.on('data', (chunk: Buffer) => (text += chunk.toString()));
        request.on('end', () => {
          const body = JSON.parse(text) as { token: string; name: string; csr: string };
          api.enrolments.push({ token: body.token, name: body.name });
          if (api.refusal)
            return reply(api.refusal.status, { statusCode: api.refusal.status, ...api.refusal });
          readCsr(body.csr);
          const certificate = signClientCsr(options.ca, body.csr, { commonName: body.name, role: 'node' });
          reply(201, {
            name: body.name,
            certificate,
            caCertificate: options.ca.certPem,
            serial: '01',
            expiresAt: new Date().toISOString(),
          });
        });
      },
    );
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
