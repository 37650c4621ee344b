import { Injectable } from '@nestjs/common';
import type { JoinToken, NodeCertificate, NodeRevocation } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';

export interface NewJoinToken {
  id: string;
  tokenHash: string;
  nodeName: string | null;
  createdBy: string;
  expiresAt: Date;
}

export interface NewNodeCertificate {
  serial: string;
  node: string;
  fingerprint: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** The only code that touches `join_token`, `node_certificate` and `node_revocation`. */
@Injectable()
export class EnrolmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  async createToken(token: NewJoinToken): Promise<JoinToken> {
    return this.prisma.joinToken.create({ data: token });
  }

  findToken(id: string): Promise<JoinToken | null> {
    return this.prisma.joinToken.findUnique({ where: { id } });
  }

  /** Tokens that can still be used, soonest to expire first. */
  listUsableTokens(now: Date): Promise<JoinToken[]> {
    return this.prisma.joinToken.findMany({
      where: { usedAt: null, expiresAt: { gt: now } },
      orderBy: { expiresAt: 'asc' },
    });
  }

  /**
   * Uses the token and records the certificate signed with it, in one transaction. The token is claimed with a
   * conditional update, so of two concurrent enrolments with one token exactly one gets `true`.
   */
  async claimTokenAndRecord(tokenId: string, certificate: NewNodeCertificate): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const claimed = await tx.joinToken.updateMany({
        where: { id: tokenId, usedAt: null, expiresAt: { gt: certificate.issuedAt } },
        data: { usedAt: certificate.issuedAt, usedBy: certificate.node },
      });
      if (claimed.count !== 1) return false;
      await tx.nodeCertificate.create({ data: certificate });
      return true;
    });
  }

  /** Records the revocation (a later one replaces an earlier one) and marks the node's certificates revoked. */
  async revoke(node: string, at: Date, by: string): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      await tx.nodeRevocation.upsert({
        where: { node },
        create: { node, revokedAt: at, revokedBy: by },
        update: { revokedAt: at, revokedBy: by },
      });
      const marked = await tx.nodeCertificate.updateMany({
        where: { node, revokedAt: null },
        data: { revokedAt: at },
      });
      return marked.count;
    });
  }

  findRevocation(node: string): Promise<NodeRevocation | null> {
    return this.prisma.nodeRevocation.findUnique({ where: { node } });
  }

  listRevocations(): Promise<NodeRevocation[]> {
    return this.prisma.nodeRevocation.findMany();
  }

  /** Unrevoked certificates of these nodes (to find those signed after a node's revocation). */
  listLiveCertificates(nodes: string[]): Promise<NodeCertificate[]> {
    if (nodes.length === 0) return Promise.resolve([]);
    return this.prisma.nodeCertificate.findMany({ where: { node: { in: nodes }, revokedAt: null } });
  }

  async hasCertificates(node: string): Promise<boolean> {
    return (await this.prisma.nodeCertificate.count({ where: { node } })) > 0;
  }
}
