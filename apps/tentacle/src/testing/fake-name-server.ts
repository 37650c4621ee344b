import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The name server's plain-HTTP face: `GET /query?name=` answering Octopoda's shapes. */
export class FakeNameServer {
  readonly entries = new Map<string, string>();
  readonly queries: string[] = [];
  private server!: Server;

  static async start(): Promise<FakeNameServer> {
    const ns = new FakeNameServer();
    ns.server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const name = url.searchParams.get('name');
      response.setHeader('content-type', 'application/json');
      if (url.pathname !== '/query') return void response.writeHead(404).end('{"msg":"not found"}');
      if (!name) return void response.writeHead(400).end('{"msg":"no name"}');
      ns.queries.push(name);
      const value = ns.entries.get(name);
      if (value === undefined) return void response.writeHead(400).end('{"msg":"redis: nil"}');
      response.writeHead(200).end(
        JSON.stringify({
          msg: 'OK',
          entry: { key: name, type: 'addr', value, description: '', ttl: 5000 },
        }),
      );
    });
    await new Promise<void>((resolve) => ns.server.listen(0, '127.0.0.1', resolve));
    return ns;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
