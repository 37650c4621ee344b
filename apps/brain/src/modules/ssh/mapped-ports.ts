import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { NodeTunnels } from './node-tunnels.service';
import { PROXYLITE_CAPACITY } from './proxylite-wire';

/** One listening brain port relaying to a node's sshd, with proxylite's counters. */
interface Mapping {
  node: string;
  server: Server;
  sockets: Set<Socket>;
  served: number;
}

/**
 * The brain ports of Octopoda's Fast SSH: each listens on `octlFace.ip` and relays every connection to its node's
 * sshd through the node's link. The ports themselves are recorded with the login (ssh_login.port).
 */
@Injectable()
export class MappedPorts implements OnApplicationShutdown {
  private readonly logger = new Logger('ssh');
  private readonly mappings = new Map<number, Mapping>();

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly tunnels: NodeTunnels,
  ) {}

  /** Every port of the configured range, lowest first. */
  range(): number[] {
    const { minMapPort, maxMapPort } = this.config.proxylite;
    return Array.from({ length: maxMapPort - minMapPort + 1 }, (_, i) => minMapPort + i);
  }

  isListening(port: number): boolean {
    return this.mappings.has(port);
  }

  /** Connections open now and served so far on `port` (proxylite's Online and AlreadyServe); at most its capacity. */
  counters(port: number): { online: number; served: number } {
    const mapping = this.mappings.get(port);
    return { online: mapping?.sockets.size ?? 0, served: mapping?.served ?? 0 };
  }

  /** Starts relaying `port` to `node`; rejects when the port cannot be bound (taken by another program). */
  async listen(port: number, node: string): Promise<void> {
    await this.close(port);
    const mapping: Mapping = { node, server: createServer(), sockets: new Set(), served: 0 };
    mapping.server.on('connection', (socket) => this.relay(mapping, socket));
    await new Promise<void>((resolve, reject) => {
      mapping.server.once('error', reject);
      mapping.server.listen({ port, host: this.config.octlFace.ip, exclusive: true }, () => {
        mapping.server.off('error', reject);
        resolve();
      });
    });
    mapping.server.on('error', (error) =>
      this.logger.warn({ port, node, error: error.message }, 'ssh port failed'),
    );
    this.mappings.set(port, mapping);
  }

  /** Stops relaying `port` and closes its connections. */
  async close(port: number): Promise<void> {
    const mapping = this.mappings.get(port);
    if (!mapping) return;
    this.mappings.delete(port);
    for (const socket of mapping.sockets) socket.destroy();
    await new Promise<void>((resolve) => mapping.server.close(() => resolve()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.mappings.keys()].map((port) => this.close(port)));
  }

  private relay(mapping: Mapping, socket: Socket): void {
    if (mapping.sockets.size >= PROXYLITE_CAPACITY) {
      this.logger.warn(
        { node: mapping.node, capacity: PROXYLITE_CAPACITY },
        'ssh port full: connection refused',
      );
      return void socket.destroy();
    }
    mapping.sockets.add(socket);
    mapping.served += 1;
    socket.once('close', () => mapping.sockets.delete(socket));
    socket.setNoDelay(true);
    // A client that vanished (a laptop closed behind NAT) must not hold its tunnel for good.
    socket.setKeepAlive(true, 60_000);
    const from = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    this.tunnels.open(mapping.node, socket, from).catch((error: Error) => {
      this.logger.warn({ node: mapping.node, from, error: error.message }, 'ssh connection refused');
      socket.destroy();
    });
  }
}
