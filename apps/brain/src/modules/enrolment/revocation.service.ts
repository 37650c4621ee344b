import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApiError } from '../../core/http/api-error';
import { NodesRepository } from '../nodes/nodes.repository';
import { BRAIN_NODE } from '../nodes/node-state';
import { EnrolmentRepository } from './enrolment.repository';
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
 * (loaded at start, updated on revoke and enrolment) so the check costs no query.
 */
@Injectable()
export class RevocationService implements OnModuleInit {
  private readonly logger = new Logger('revocation');
  private readonly list = new RevocationList();
  private readonly disconnectors = new Set<Disconnector>();

  constructor(
    private readonly repository: EnrolmentRepository,
    private readonly nodes: NodesRepository,
  ) {}

  async onModuleInit(): Promise<void> {
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
  issued(node: string, serial: string, at: Date): void {
    this.list.issued(node, serial, at);
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
    this.list.revoked(node, revokedAt);
    const reason = `certificate revoked by ${actor}`;
    let disconnected = 0;
    for (const disconnect of this.disconnectors) disconnected += disconnect(node, reason);
    this.logger.warn({ node, by: actor, certificatesRevoked, disconnected }, 'node revoked');
    return { node, revokedAt, certificatesRevoked, disconnected };
  }
}
