import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { pakmaCommands } from '@octopod/protocol';
import type { Rollout } from '../../generated/prisma/client';
import type { PakmaOutcome } from './pakma.service';
import type { RolloutWave } from './rollout-plan';

@ApiSchema({ name: 'PakmaCommandRequest' })
export class PakmaCommandRequest {
  @ApiProperty({ enum: pakmaCommands }) command!: string;
  @ApiProperty({
    type: [String],
    example: ['pi-1', '@lab', 'brain'],
    description: 'nodes, @groups and/or brain',
  })
  targets!: string[];
  @ApiPropertyOptional({ example: '1.2.3', description: 'for install and upgrade' }) version?: string;
  @ApiPropertyOptional({ example: '2026-11-24@10:00:00', description: 'history: records at/after' })
  time?: string;
  @ApiPropertyOptional({ description: 'history: the last this many (default 10)' }) limit?: number;
}

@ApiSchema({ name: 'PakmaResult' })
export class PakmaResultDto {
  @ApiProperty() node!: string;
  @ApiProperty({ description: 'false: the node could not be asked (offline, no answer)' }) reached!: boolean;
  @ApiProperty({ description: "pakma's HTTP status; 0 when pakma could not be reached" }) status!: number;
  @ApiPropertyOptional({ type: Object, description: "pakma's JSON answer, when it gave one" })
  answer?: Record<string, unknown>;
  @ApiProperty({ description: 'the answer as text, or why there is none' }) text!: string;
}

@ApiSchema({ name: 'PakmaResults' })
export class PakmaResults {
  @ApiProperty({ type: [PakmaResultDto] }) results!: PakmaResultDto[];
}

@ApiSchema({ name: 'RolloutRequest' })
export class RolloutRequestDto {
  @ApiProperty({ example: '1.2.3' }) version!: string;
  @ApiProperty({ type: [String], example: ['@lab'] }) targets!: string[];
  @ApiPropertyOptional({ example: '1,10%,rest', description: 'wave sizes: counts, percentages, rest' })
  waves?: string;
  @ApiPropertyOptional({ description: 'a wave not confirmed within this fails (default 900)' })
  waveTimeoutSeconds?: number;
  @ApiPropertyOptional({ description: "how often nodes' pakma state is asked (default 2)" })
  pollSeconds?: number;
}

@ApiSchema({ name: 'RolloutNode' })
export class RolloutNodeDto {
  @ApiProperty() node!: string;
  @ApiProperty({ enum: ['pending', 'upgrading', 'confirmed', 'failed', 'skipped'] }) state!: string;
  @ApiPropertyOptional() detail?: string;
}

@ApiSchema({ name: 'RolloutWave' })
export class RolloutWaveDto {
  @ApiProperty({ enum: ['pending', 'running', 'succeeded', 'failed', 'skipped'] }) state!: string;
  @ApiProperty({ type: [RolloutNodeDto] }) nodes!: RolloutNodeDto[];
}

@ApiSchema({ name: 'Rollout' })
export class RolloutDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'] }) state!: string;
  @ApiProperty({ type: [RolloutWaveDto] }) waves!: RolloutWaveDto[];
  @ApiPropertyOptional({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
}

@ApiSchema({ name: 'RolloutList' })
export class RolloutList {
  @ApiProperty({ type: [RolloutDto] }) rollouts!: RolloutDto[];
}

export function toRolloutDto(rollout: Rollout): RolloutDto {
  return {
    id: rollout.id,
    version: rollout.version,
    state: rollout.state,
    waves: rollout.waves as unknown as RolloutWave[],
    error: rollout.error,
    createdBy: rollout.createdBy,
    createdAt: rollout.createdAt.toISOString(),
    endedAt: rollout.endedAt?.toISOString() ?? null,
  };
}

export function toPakmaResultDto(outcome: PakmaOutcome): PakmaResultDto {
  let answer: Record<string, unknown> | undefined;
  if (outcome.reached && outcome.status > 0) {
    try {
      const value: unknown = JSON.parse(outcome.body);
      if (value && typeof value === 'object') answer = value as Record<string, unknown>;
    } catch {
      // not JSON: the text says it
    }
  }
  return {
    node: outcome.node,
    reached: outcome.reached,
    status: outcome.status,
    ...(answer ? { answer } : {}),
    text: outcome.body,
  };
}
