import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ApiToken } from '../../generated/prisma/client';
import { displayPath } from '../workgroup/workgroup-path';
import { MAX_TTL_SECONDS, MIN_TTL_SECONDS, tokenState, type TokenState } from './api-token';

export class LoginRequest {
  @ApiProperty({ example: '/lab', description: 'Workgroup path; "/" is the root' }) path!: string;
  @ApiProperty({ description: "The workgroup's password" }) password!: string;
  @ApiPropertyOptional({ example: 'alice@laptop', description: 'A label for listings and the audit trail' })
  name?: string;
  @ApiPropertyOptional({
    minimum: MIN_TTL_SECONDS,
    maximum: MAX_TTL_SECONDS,
    description: 'Lifetime in seconds (default 12 h, at most 30 days)',
  })
  ttlSeconds?: number;
}

@ApiSchema({ name: 'ApiToken' })
export class ApiTokenDto {
  @ApiProperty({ example: 'tok_3f9a0c2e5b7d1a64' }) id!: string;
  @ApiProperty({ example: 'alice@laptop' }) name!: string;
  @ApiProperty({ example: '/lab', description: 'The workgroup it acts as ("/" is the root)' }) path!: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) state!: TokenState;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) revokedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Updated at most once a minute',
  })
  lastUsedAt!: string | null;
}

export class LoginResult {
  @ApiProperty({ example: 'opt_…', description: 'The bearer secret; shown only here, never again' })
  token!: string;
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The workgroup it acts as ("/" is the root)' }) path!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class ApiTokenList {
  @ApiProperty({ type: [ApiTokenDto] }) items!: ApiTokenDto[];
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toApiTokenDto(token: ApiToken, now = Date.now()): ApiTokenDto {
  return {
    id: token.id,
    name: token.name,
    path: displayPath(token.path),
    state: tokenState(token, now),
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
    revokedAt: iso(token.revokedAt),
    lastUsedAt: iso(token.lastUsedAt),
  };
}
