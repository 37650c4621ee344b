import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ApiError } from '../../core/http/api-error';
import type { SshLoginView } from './ssh.service';

@ApiSchema({ name: 'SshLoginRequest' })
export class SshLoginRequest {
  @ApiProperty({ example: 'pi', description: 'The user to log in as on the node' }) username!: string;
  @ApiPropertyOptional({ description: 'Stored encrypted; omit to log in with keys' }) password?: string;
}

@ApiSchema({ name: 'SshLogin' })
export class SshLoginDto {
  @ApiProperty({ example: 'pi-1' }) node!: string;
  @ApiProperty({ example: 'pi' }) username!: string;
  @ApiProperty() hasPassword!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'The brain port relaying to the node’s sshd' })
  port!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '10.0.0.1:10000',
    description: 'ip:port for an ssh client',
  })
  address!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ description: 'Only from GET /nodes/{name}/ssh, when one is stored' })
  password?: string;
}

@ApiSchema({ name: 'SshLoginList' })
export class SshLoginList {
  @ApiProperty({ type: [SshLoginDto] }) logins!: SshLoginDto[];
}

@ApiSchema({ name: 'SshTunnelTicket' })
export class SshTunnelTicketDto {
  @ApiProperty({ example: 'pi-1' }) node!: string;
  @ApiProperty({ description: 'Single use: open a WebSocket at `path` within 30 s' }) ticket!: string;
  @ApiProperty({ example: '/api/v2/tunnels/…' }) path!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export function toSshLoginDto(view: SshLoginView): SshLoginDto {
  return { ...view, createdAt: view.createdAt.toISOString() };
}

const MAX_USERNAME = 64;
const MAX_PASSWORD = 1024;

/** A login body, or 400 bad_request saying what is wrong. */
export function parseSshLogin(body: unknown): { username: string; password?: string } {
  const { username, password } = (body ?? {}) as Record<string, unknown>;
  if (
    typeof username !== 'string' ||
    !/^[A-Za-z0-9._][A-Za-z0-9._-]*\$?$/.test(username) ||
    username.length > MAX_USERNAME
  )
    throw new ApiError(
      400,
      'bad_request',
      `username: a user name of letters, digits, ".", "_" and "-", at most ${MAX_USERNAME}`,
    );
  if (password !== undefined && (typeof password !== 'string' || password.length > MAX_PASSWORD))
    throw new ApiError(400, 'bad_request', `password: a string of at most ${MAX_PASSWORD} characters`);
  return { username, ...(password ? { password } : {}) };
}
