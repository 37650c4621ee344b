import { Injectable } from '@nestjs/common';
import type { Prisma, Rollout } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';
import type { RolloutWave } from './rollout-plan';

export interface RolloutOptions {
  /** A wave whose nodes have not all confirmed by then fails. */
  waveTimeoutSeconds: number;
  /** How often the nodes' pakma state is asked. */
  pollSeconds: number;
}

export type NewRollout = Pick<Rollout, 'id' | 'version' | 'createdBy' | 'scopePath'> & {
  waves: RolloutWave[];
  options: RolloutOptions;
};

const LIST_LIMIT = 100;
/** The advisory lock key that serialises starting rollouts ("rollouts" as a number). */
const ROLLOUT_LOCK = 0x726f6c6c;

/** The only code that touches the rollout table. */
@Injectable()
export class RolloutsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores the rollout unless a running one touches any of its nodes: then answers that rollout's id instead. One
   * transaction-scoped advisory lock makes check and insert one step, for every brain instance.
   */
  createUnlessBusy(rollout: NewRollout): Promise<Rollout | { busyWith: string; nodes: string[] }> {
    const nodes = new Set(rollout.waves.flatMap((wave) => wave.nodes.map((n) => n.node)));
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROLLOUT_LOCK})`;
      for (const running of await tx.rollout.findMany({ where: { state: 'running' } })) {
        const shared = (running.waves as unknown as RolloutWave[])
          .flatMap((wave) => wave.nodes.map((n) => n.node))
          .filter((node) => nodes.has(node));
        if (shared.length > 0) return { busyWith: running.id, nodes: shared };
      }
      return tx.rollout.create({
        data: {
          ...rollout,
          waves: rollout.waves as unknown as Prisma.InputJsonValue,
          options: rollout.options as unknown as Prisma.InputJsonValue,
        },
      });
    });
  }

  find(id: string): Promise<Rollout | null> {
    return this.prisma.rollout.findUnique({ where: { id } });
  }

  list(): Promise<Rollout[]> {
    return this.prisma.rollout.findMany({ orderBy: { createdAt: 'desc' }, take: LIST_LIMIT });
  }

  running(): Promise<Rollout[]> {
    return this.prisma.rollout.findMany({ where: { state: 'running' } });
  }

  saveWaves(id: string, waves: RolloutWave[]): Promise<Rollout> {
    return this.prisma.rollout.update({
      where: { id },
      data: { waves: waves as unknown as Prisma.InputJsonValue },
    });
  }

  /** Ends a running rollout (once: an ended one keeps its end). */
  async end(id: string, state: 'succeeded' | 'failed', error: string | null, at = new Date()): Promise<void> {
    await this.prisma.rollout.updateMany({
      where: { id, state: 'running' },
      data: { state, error, endedAt: at },
    });
  }
}
