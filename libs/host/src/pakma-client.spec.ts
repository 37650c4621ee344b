import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askPakma } from './pakma-client';

describe('askPakma', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        res.statusCode = req.url === '/confirm' ? 400 : 200;
        res.end(
          req.url === '/confirm' ? '{"msg":"Not in preview state, not need confirm/cancel"}' : '{"msg":"OK"}',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it("speaks pakma's HTTP API as Octopoda's brain and tentacle do", async () => {
    const at = { host: '127.0.0.1', port };
    expect(await askPakma(at, { command: 'state' })).toEqual({ status: 200, body: '{"msg":"OK"}' });
    await askPakma(at, { command: 'upgrade', version: '1.2.3' });
    await askPakma(at, { command: 'history', time: '2026-11-24@10:00:00', limit: 5 });
    await askPakma(at, { command: 'history' });
    const refused = await askPakma(at, { command: 'confirm' });
    expect(refused).toEqual({ status: 400, body: '{"msg":"Not in preview state, not need confirm/cancel"}' });
    expect(seen).toEqual([
      'GET /state ',
      'POST /upgrade version=1.2.3',
      'GET /history?time=2026-11-24%4010%3A00%3A00&limit=5 ',
      'GET /history?time=&limit=0 ',
      'POST /confirm ',
    ]);
  });

  it('answers status 0 with the reason when pakma is not there', async () => {
    const answer = await askPakma({ host: '127.0.0.1', port: 1 }, { command: 'state' });
    expect(answer.status).toBe(0);
    expect(answer.body).toMatch(/^Pakma request error: .*ECONNREFUSED/);
  });
});
