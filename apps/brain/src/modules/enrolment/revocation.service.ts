import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApiError } from '../../core/http/api-error';
import { NodesRepository } from '../nodes/nodes.repository';
import { BRAIN_NODE } from '../nodes/node-state';
import { EnrolmentRepository } from './enrolment.repository';
import { RevocationBus, type IdentityEvent } from './revocation-bus';
import { RevocationList } from './revocation-list';

/** Closes a revoked node's live connections held by this process; returns how many it closed. */
export type Disconnector = (node: string, reason: string) => number;

export interface RevocationOutcome {
  node: string;
  revokedAt: Date;
  certificatesRevoked: number;
  /** Live connections of the node that were closed. */
  disconnected: number;
}

/**
 * Revokes nodes and answers, for every gateway upgrade, whether a certificate is refused. The list lives in memory
 * (loaded at start, updated on revoke and enrolment, here and through the bus from other brain instances) so the
 * check costs no query.
 */
@Injectable()
export class RevocationService implements OnModuleInit {
  private readonly logger = new Logger('revocation');
  private readonly list = new RevocationList();
  private readonly disconnectors = new Set<Disconnector>();

  constructor(
    private readonly repository: EnrolmentRepository,
    private readonly nodes: NodesRepository,
    private readonly bus: RevocationBus,
  ) {}

  async onModuleInit(): Promise<void> {
    // Listen first, then load: nothing published meanwhile is missed (applying news twice is harmless).
    await this.bus.start((event) => this.apply(event));
    const revocations = await this.repository.listRevocations();
    const certificates = await this.repository.listLiveCertificates(revocations.map((r) => r.node));
    this.list.load(revocations, certificates);
    if (revocations.length) this.logger.log({ revoked: revocations.length }, 'revocations loaded');
  }

  /** The gateway registers how to close connections; revoking calls it at once. */
  onRevoked(disconnector: Disconnector): () => void {
    this.disconnectors.add(disconnector);
    return () => this.disconnectors.delete(disconnector);
  }

  refuses(node: string, serial: string): boolean {
    return this.list.refuses(node, serial);
  }

  /** Called after an enrolment recorded a certificate: one signed after a revocation is accepted again. */
  async issued(node: string, serial: string, at: Date): Promise<void> {
    this.list.issued(node, serial, at);
    await this.bus.publish({ kind: 'issued', node, serial, at: at.toISOString() });
  }

  isRevoked(node: string): boolean {
    return this.list.isRevoked(node);
  }

  async revoke(node: string, actor: string): Promise<RevocationOutcome> {
    if (node === BRAIN_NODE) {
      throw new ApiError(400, 'reserved_name', `"${BRAIN_NODE}" is the brain itself and cannot be revoked`);
    }
    const known = (await this.nodes.find(node)) !== null || (await this.repository.hasCertificates(node));
    if (!known) throw ApiError.notFound('node_not_found', `no node named "${node}": nothing to revoke`);
    const revokedAt = new Date();
    const certificatesRevoked = await this.repository.revoke(node, revokedAt, actor);
    const disconnected = this.applyRevocation(node, revokedAt, actor);
    await this.bus.publish({ kind: 'revoked', node, at: revokedAt.toISOString(), by: actor });
    this.logger.warn({ node, by: actor, certificatesRevoked, disconnected }, 'node revoked');
    return { node, revokedAt, certificatesRevoked, disconnected };
  }

  /** Updates the list and closes this process's connections of the node; returns how many it closed. */
  private applyRevocation(node: string, at: Date, actor: string): number {
    this.list.revoked(node, at);
    const reason = `certificate revoked by ${actor}`;
    let disconnected = 0;
    for (const disconnect of this.disconnectors) disconnected += disconnect(node, reason);
    return disconnected;
  }

  /** News from another brain instance. */
  private apply(event: IdentityEvent): void {
    if (event.kind === 'issued') return this.list.issued(event.node, event.serial, new Date(event.at));
    const disconnected = this.applyRevocation(event.node, new Date(event.at), event.by);
    if (disconnected) this.logger.warn({ node: event.node, disconnected }, 'revoked node disconnected');
  }
}
