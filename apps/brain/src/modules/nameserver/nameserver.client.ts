import { readFileSync } from 'node:fs';
import { request, Agent } from 'node:https';

export interface NameEntry {
  key: string;
  type: 'addr' | 'num' | 'str' | 'array';
  value: string;
  description: string;
  /** Milliseconds; 0 = the name server's default (5 s). */
  ttl: number;
}

export interface NameServerTls {
  caCert: string;
  clientCert: string;
  clientKey: string;
}

/** Writes entries into the Octopoda-compatible name server over HTTPS with a client certificate. */
export class NameServerClient {
  private readonly agent: Agent;

  constructor(
    private readonly host: string,
    private readonly port: number,
    tls: NameServerTls,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      ca: readFileSync(tls.caCert),
      cert: readFileSync(tls.clientCert),
      key: readFileSync(tls.clientKey),
      // Octopoda's components all verify the name `octopoda`, whatever address they dial.
      servername: 'octopoda',
    });
  }

  register(entries: NameEntry[]): Promise<void> {
    const body = JSON.stringify(entries);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path: '/register',
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: 5_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === 200
              ? resolve()
              : reject(
                  new Error(
                    `name server answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`,
                  ),
                ),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('name server did not answer within 5 s')));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
