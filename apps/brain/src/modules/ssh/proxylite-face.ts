import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { SshLoginsRepository } from './ssh-logins.repository';
import { MappedPorts } from './mapped-ports';
import {
  PROXYLITE_CAPACITY,
  ProxyliteType,
  readProxyliteMessage,
  writeProxyliteMessage,
} from './proxylite-wire';

/** Go's zero time.Time, as proxylite's JSON carries a service without a deadline. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const READ_TIMEOUT_MS = 5_000;

/**
 * Answers Octopoda's `octl ssh ls`, which asks the brain's proxylite server (found as `<brain>.proxyliteFace` in the
 * name server) for its services: one per mapped node, in proxylite's wire format. Registering services from
 * outside is not offered (tunnels go over the nodes' links). As in Octopoda, the list is for anyone who can reach
 * the port (no workgroups): `proxylite.listServices: false` turns it off.
 */
@Injectable()
export class ProxyliteFace implements OnApplicationShutdown {
  private readonly logger = new Logger('ssh');
  private server: Server | undefined;

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly logins: SshLoginsRepository,
    private readonly ports: MappedPorts,
  ) {}

  /** Listens on `proxylite.port` (0: any) at `octlFace.ip`; resolves with the bound port, or undefined when off. */
  async listen(): Promise<number | undefined> {
    if (!this.config.proxylite.listServices) return undefined;
    const server = createServer((socket) => void this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.config.proxylite.port, host: this.config.octlFace.ip }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.warn({ error: error.message }, 'proxylite face failed'));
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(socket: Socket): Promise<void> {
    socket.setTimeout(READ_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    const message = await readProxyliteMessage(socket).catch(() => undefined);
    if (!message) return void socket.end(writeProxyliteMessage(ProxyliteType.malformed));
    const reply = await this.answer(message.type, message.body).catch((error: Error) => {
      this.logger.warn({ error: error.message }, 'proxylite query failed');
      return writeProxyliteMessage(ProxyliteType.malformed);
    });
    socket.end(reply);
  }

  private async answer(type: number, body: Buffer): Promise<Buffer> {
    const request = parseJson(body);
    if (request === undefined) return writeProxyliteMessage(ProxyliteType.malformed);
    if (type === ProxyliteType.askServiceReq) {
      const prefix = typeof request.Prefix === 'string' ? request.Prefix : '';
      return writeProxyliteMessage(ProxyliteType.askServiceRsp, { Services: await this.services(prefix) });
    }
    if (type === ProxyliteType.askFreePortReq) {
      const used = new Set(await this.logins.usedPorts());
      return writeProxyliteMessage(ProxyliteType.askFreePortRsp, {
        Ports: this.ports.range().filter((port) => !used.has(port)),
      });
    }
    if (type === ProxyliteType.registerServiceReq) {
      // RegisterRspPortNotAllowed: nodes reach the brain over their own links, never as proxylite clients.
      return writeProxyliteMessage(ProxyliteType.registerServiceRsp, { Code: 1 });
    }
    return writeProxyliteMessage(ProxyliteType.undefined);
  }

  private async services(prefix: string) {
    const logins = await this.logins.list();
    return logins
      .filter((login) => login.port !== null && login.node.startsWith(prefix))
      .map((login) => {
        const port = login.port as number;
        const counters = this.ports.counters(port);
        return {
          Port: port,
          Name: login.node,
          Message: `ssh proxy of ${login.node}`,
          Birth: login.createdAt.toISOString(),
          Online: counters.online,
          Capacity: PROXYLITE_CAPACITY,
          AlreadyServe: counters.served,
          TotalServe: 0,
          DeadLine: GO_ZERO_TIME,
        };
      });
  }
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
