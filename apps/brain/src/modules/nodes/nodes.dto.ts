import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Node } from '../../generated/prisma/client';

export class BrainInfo {
  @ApiProperty({ example: 'brain' }) name!: string;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ example: '127.0.0.1:12345', description: 'API address, ip:port' }) addr!: string;
}

@ApiSchema({ name: 'Node' })
export class NodeDto {
  @ApiProperty({ example: 'pi-1' }) name!: string;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ example: '192.168.1.20', description: "The node's local address of its connection" })
  addr!: string;
  @ApiProperty({ enum: ['online', 'unstable', 'offline'] }) state!: 'online' | 'unstable' | 'offline';
  @ApiProperty({ description: 'A brain holds its connection right now' }) connected!: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'One-way delay (rtt/2), ms' }) delayMs!:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Brain clock minus node clock, ms' }) offsetMs!:
    number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Start of the current session',
  })
  onlineAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When it stopped being healthy',
  })
  offlineAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastActiveAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class NodeList {
  @ApiProperty({ type: BrainInfo }) brain!: BrainInfo;
  @ApiProperty({ type: [NodeDto] }) nodes!: NodeDto[];
}

@ApiSchema({ name: 'NodeStatus' })
export class NodeStatusDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'CPU model' }) platform!: string;
  @ApiProperty() cpuCores!: number;
  @ApiProperty({ description: "The node's clock, RFC 3339 with its UTC offset" }) localTime!: string;
  @ApiProperty({ description: 'CPU load %, last ~1 s' }) cpuLoadShort!: number;
  @ApiProperty({ description: 'CPU load %, mean of the last 10 samples' }) cpuLoadLong!: number;
  @ApiProperty() memUsed!: number;
  @ApiProperty() memTotal!: number;
  @ApiProperty() diskUsed!: number;
  @ApiProperty() diskTotal!: number;
}

export class ResolveNodesRequest {
  @ApiProperty({
    type: [String],
    example: ['pi-1', '@lab'],
    description: 'Names, @group, or @ / @ALL / ALL; empty = all',
  })
  targets!: string[];
}

export class ResolveNodesResult {
  @ApiProperty({ type: [String] }) online!: string[];
  @ApiProperty({ type: [String] }) unhealthy!: string[];
  @ApiProperty({ type: [String] }) unknown!: string[];
}

@ApiSchema({ name: 'ApiError' })
export class ApiErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty({ example: 'node_not_found' }) code!: string;
  @ApiProperty() message!: string;
}

export class ListNodesQuery {
  @ApiPropertyOptional({ enum: ['online', 'unstable', 'offline'] }) state?: 'online' | 'unstable' | 'offline';
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toNodeDto(node: Node): NodeDto {
  return {
    name: node.name,
    version: node.version,
    addr: node.addr,
    state: node.state,
    connected: node.connected,
    delayMs: node.delayMs,
    offsetMs: node.offsetMs,
    onlineAt: iso(node.onlineAt),
    offlineAt: iso(node.offlineAt),
    lastActiveAt: iso(node.lastActiveAt),
    createdAt: node.createdAt.toISOString(),
  };
}
