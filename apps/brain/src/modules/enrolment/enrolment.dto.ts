import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { JoinToken } from '../../generated/prisma/client';

export class CreateJoinTokenRequest {
  @ApiPropertyOptional({
    example: 3600,
    description: 'Lifetime in seconds (default 3600, at most 604800 = 7 days)',
  })
  ttlSeconds?: number;
  @ApiPropertyOptional({ example: 'pi-7', description: 'Only this node name may enrol with it' })
  name?: string;
}

@ApiSchema({ name: 'CreatedJoinToken' })
export class CreatedJoinTokenDto {
  @ApiProperty({
    example: 'octopod-join1.<id>.<secret>.<ca sha256>',
    description:
      'Give it to the node once: `tentacle join --token …`. Shown only now; the brain keeps a hash.',
  })
  token!: string;
  @ApiProperty({ example: '3f9c0a7d5e21b846' }) id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The node name it is bound to, if any' })
  name!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: "sha256 of the brain's CA certificate (DER), hex; also inside the token" })
  caFingerprint!: string;
}

@ApiSchema({ name: 'JoinToken' })
export class JoinTokenDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ description: 'Who made it' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class JoinTokenList {
  @ApiProperty({ type: [JoinTokenDto], description: 'Unused, unexpired tokens (never their secrets)' })
  tokens!: JoinTokenDto[];
}

@ApiSchema({ name: 'EnrolRequest' })
export class EnrolRequestDto {
  @ApiProperty({ description: 'The join token' }) token!: string;
  @ApiProperty({ example: 'pi-7', description: 'The node name; the CSR subject CN must be the same' })
  name!: string;
  @ApiProperty({ description: 'PEM certificate signing request made on the node' }) csr!: string;
}

@ApiSchema({ name: 'Enrolment' })
export class EnrolmentDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'PEM node certificate (CN = name, OU = node)' }) certificate!: string;
  @ApiProperty({ description: "PEM certificate of the brain's CA" }) caCertificate!: string;
  @ApiProperty() serial!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

@ApiSchema({ name: 'EnrolmentCa' })
export class EnrolmentCaDto {
  @ApiProperty({
    description: "PEM certificate of the brain's CA (public; trust it only if its fingerprint is pinned)",
  })
  caCertificate!: string;
  @ApiProperty({ description: 'sha256 of its DER encoding, hex' }) fingerprint!: string;
  @ApiProperty({ description: 'Whether this brain can sign enrolments (has ssl.caKey)' }) enabled!: boolean;
}

@ApiSchema({ name: 'Revocation' })
export class RevocationDto {
  @ApiProperty() node!: string;
  @ApiProperty({ format: 'date-time' }) revokedAt!: string;
  @ApiProperty({ description: 'Certificates the brain had signed for it, now revoked' })
  certificatesRevoked!: number;
  @ApiProperty({ description: 'Live connections closed' }) disconnected!: number;
}

export function toJoinTokenDto(token: JoinToken): JoinTokenDto {
  return {
    id: token.id,
    name: token.nodeName,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt.toISOString(),
  };
}
