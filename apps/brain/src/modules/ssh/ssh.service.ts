import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import type { SshLogin } from '../../generated/prisma/client';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { advertisedAddress, type BrainConfig } from '../../core/config/brain-config';
import { ApiError } from '../../core/http/api-error';
import { NodeEvents } from '../nodes/node-events';
import { NodesRepository } from '../nodes/nodes.repository';
import { MappedPorts } from './mapped-ports';
import { SecretBox } from './secret-box';
import { SshBus, type PortEvent } from './ssh-bus';
import { SshLoginsRepository } from './ssh-logins.repository';

/** A node's login info as callers in its workgroup see it; `password` only where asked for. */
export interface SshLoginView {
  node: string;
  username: string;
  hasPassword: boolean;
  /** The brain port relaying to the node's sshd, and `ip:port` to point an ssh client at. */
  port: number | null;
  address: string | null;
  createdBy: string;
  createdAt: Date;
  password?: string;
}

export interface SshLoginInput {
  node: string;
  username: string;
  password?: string;
  actor: string;
}

/**
 * Login info and mapped ports per node (Octopoda's `ssh set|ls|del|login`): passwords sealed at rest, each node's
 * port relayed to its sshd and listening again after a restart.
 */
@Injectable()
export class SshService implements OnModuleInit {
  private readonly logger = new Logger('ssh');
  private box: SecretBox | undefined;

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly logins: SshLoginsRepository,
    private readonly nodes: NodesRepository,
    private readonly ports: MappedPorts,
    private readonly events: NodeEvents,
    private readonly bus: SshBus,
  ) {}

  /** A pruned node's login and port go with it: a machine enrolled later under that name must not inherit them. */
  onModuleInit(): void {
    this.events.onPruned(async (node) => {
      if (await this.remove(node)) this.logger.log({ node }, 'ssh login of a pruned node dropped');
    });
  }

  /** Records a new login and maps a port; 409 ssh_exists when the node has one (Octopoda refuses too). */
  async create(input: SshLoginInput): Promise<SshLoginView> {
    await this.requireKnown(input.node);
    if (await this.logins.find(input.node))
      throw new ApiError(409, 'ssh_exists', `node ${input.node} has ssh login info already`);
    const secret = input.password ? this.secrets().seal(input.password) : null;
    const used = new Set(await this.logins.usedPorts());
    for (const port of this.ports.range()) {
      if (used.has(port) || this.ports.isListening(port)) continue;
      try {
        await this.ports.listen(port, input.node);
      } catch {
        continue; // bound by another program (or another brain on this host)
      }
      let row;
      try {
        row = await this.logins.create({
          node: input.node,
          username: input.username,
          secret,
          port,
          createdBy: input.actor,
        });
      } catch (error) {
        await this.ports.close(port);
        throw error;
      }
      if (row) {
        await this.bus.publish({ kind: 'mapped', node: row.node, port });
        return this.view(row);
      }
      await this.ports.close(port);
      if (await this.logins.find(input.node))
        throw new ApiError(409, 'ssh_exists', `node ${input.node} has ssh login info already`);
    }
    const { minMapPort, maxMapPort } = this.config.proxylite;
    throw new ApiError(503, 'no_free_port', `every ssh port ${minMapPort}-${maxMapPort} is mapped`);
  }

  /** Creates, or replaces the username and password of an existing login (its port stays). */
  async put(input: SshLoginInput): Promise<SshLoginView> {
    const existing = await this.logins.find(input.node);
    if (!existing) return this.create(input);
    const secret = input.password ? this.secrets().seal(input.password) : null;
    return this.view(await this.logins.update(input.node, { username: input.username, secret }));
  }

  /** The node's login with its password (for `ssh login`); 404 no_ssh_login. */
  async get(node: string): Promise<SshLoginView> {
    const row = await this.logins.find(node);
    if (!row)
      throw ApiError.notFound('no_ssh_login', `node ${node} has no ssh login info (octl ssh set ${node})`);
    const view = this.view(row);
    if (row.secret) view.password = this.secrets().open(row.secret);
    return view;
  }

  /** Logins of these nodes (the caller's scope), without passwords. */
  async list(visible: (node: string) => boolean): Promise<SshLoginView[]> {
    return (await this.logins.list()).filter((row) => visible(row.node)).map((row) => this.view(row));
  }

  /** Forgets the login and closes its port (and the connections through it); false when there was none. */
  async remove(node: string): Promise<boolean> {
    const row = await this.logins.find(node);
    if (!row) return false;
    await this.logins.delete(node);
    if (row.port !== null) {
      await this.ports.close(row.port);
      await this.bus.publish({ kind: 'unmapped', node, port: row.port });
    }
    return true;
  }

  /**
   * At start (API role): follow the other instances' port changes, and listen on every recorded port again; logins
   * of nodes pruned meanwhile are dropped.
   */
  async restore(): Promise<void> {
    await this.bus.start((event) => void this.follow(event));
    for (const row of await this.logins.list()) {
      if (!(await this.nodes.find(row.node))) {
        await this.logins.delete(row.node);
        this.logger.log({ node: row.node }, 'ssh login of a pruned node dropped');
        continue;
      }
      if (row.port === null) continue;
      await this.ports
        .listen(row.port, row.node)
        .catch((error: Error) =>
          this.logger.warn({ node: row.node, port: row.port, error: error.message }, 'ssh port not restored'),
        );
    }
  }

  /** Another instance mapped or unmapped a port: do the same here (a port taken here is logged, not fatal). */
  private async follow(event: PortEvent): Promise<void> {
    if (event.kind === 'unmapped') return this.ports.close(event.port);
    await this.ports
      .listen(event.port, event.node)
      .catch((error: Error) =>
        this.logger.warn(
          { node: event.node, port: event.port, error: error.message },
          'ssh port not opened here',
        ),
      );
  }

  private async requireKnown(node: string): Promise<void> {
    if (!(await this.nodes.find(node))) throw ApiError.notFound('node_not_found', `no node named "${node}"`);
  }

  private view(row: SshLogin): SshLoginView {
    return {
      node: row.node,
      username: row.username,
      hasPassword: row.secret !== null,
      port: row.port,
      address: row.port === null ? null : advertisedAddress(this.config.octlFace, row.port),
      createdBy: row.createdBy,
      createdAt: row.createdAt,
    };
  }

  private secrets(): SecretBox {
    return (this.box ??= SecretBox.fromKeyFile(
      this.config.secrets.keyFile ?? join(this.config.workspace.root, '.octopod', 'secrets.key'),
    ));
  }
}
