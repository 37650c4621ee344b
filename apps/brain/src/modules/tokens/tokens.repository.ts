import { Injectable } from '@nestjs/common';
import { Prisma, type ApiToken } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';

export type NewApiToken = Pick<ApiToken, 'id' | 'name' | 'tokenHash' | 'path' | 'createdBy' | 'expiresAt'>;

const LIST_LIMIT = 500;

/** The only code that touches the api_token table. */
@Injectable()
export class TokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(token: NewApiToken): Promise<ApiToken> {
    return this.prisma.apiToken.create({ data: token });
  }

  findByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { tokenHash } });
  }

  findById(id: string): Promise<ApiToken | null> {
    return this.prisma.apiToken.findUnique({ where: { id } });
  }

  /** Tokens of `path` and every group below it, newest first (an exact prefix test: paths may hold `%`). */
  listUnder(path: string): Promise<ApiToken[]> {
    return this.prisma.$queryRaw<ApiToken[]>`
      SELECT id, name, token_hash AS "tokenHash", path, created_by AS "createdBy", created_at AS "createdAt",
             expires_at AS "expiresAt", revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"
      FROM "api_token"
      WHERE ${path === '' ? Prisma.sql`TRUE` : Prisma.sql`(path = ${path} OR left(path, ${path.length + 1}) = ${`${path}/`})`}
      ORDER BY created_at DESC, id
      LIMIT ${LIST_LIMIT}`;
  }

  /** Marks the token revoked (once: a second revocation keeps the first time). */
  async revoke(id: string, at: Date): Promise<ApiToken | null> {
    await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return this.findById(id);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
