import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { pakmaVersionSchema } from '@octopod/protocol';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Rollout } from '../../generated/prisma/client';
import { ApiError } from '../../core/http/api-error';
import { KEEP_JOBS, Queues } from '../../core/queue/jobs';
import { NodesService } from '../nodes/nodes.service';
import { DEFAULT_WAVES, parseWaves, planWaves, type WaveSize } from './rollout-plan';
import { RolloutsRepository, type RolloutOptions } from './rollouts.repository';

export interface RolloutRequest {
  version: string;
  targets: string[];
  waves?: string | string[];
  waveTimeoutSeconds?: number;
  pollSeconds?: number;
  createdBy: string;
  scopePath: string;
}

const DEFAULT_OPTIONS: RolloutOptions = { waveTimeoutSeconds: 900, pollSeconds: 2 };

/** Starts rollouts (checked, planned, stored, queued) and lists them. */
@Injectable()
export class RolloutsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('rollout');

  constructor(
    private readonly rollouts: RolloutsRepository,
    private readonly nodes: NodesService,
    @InjectQueue(Queues.rollouts) private readonly queue: Queue,
  ) {}

  async start(request: RolloutRequest): Promise<Rollout> {
    if (!pakmaVersionSchema.safeParse(request.version).success)
      throw new ApiError(400, 'bad_request', `version "${request.version}": digits and dots, e.g. 1.2.3`);
    const options = optionsOf(request);
    let sizes: WaveSize[];
    try {
      sizes = request.waves === undefined ? DEFAULT_WAVES : parseWaves(request.waves);
    } catch (error) {
      throw new ApiError(400, 'bad_request', (error as Error).message);
    }
    const resolved = await this.nodes.resolve(request.targets, { scopePath: request.scopePath });
    if (resolved.unknown.length > 0)
      throw new ApiError(422, 'unknown_targets', `unknown nodes or groups: ${resolved.unknown.join(', ')}`, {
        unknown: resolved.unknown,
      });
    if (resolved.unhealthy.length > 0)
      throw new ApiError(409, 'nodes_not_online', `not online: ${resolved.unhealthy.join(', ')}`, {
        unhealthy: resolved.unhealthy,
      });
    const created = await this.rollouts.createUnlessBusy({
      id: randomUUID(),
      version: request.version,
      waves: planWaves(resolved.online, sizes),
      options,
      createdBy: request.createdBy,
      scopePath: request.scopePath,
    });
    if ('busyWith' in created)
      throw new ApiError(
        409,
        'rollout_busy',
        `rollout ${created.busyWith} is still running on ${created.nodes.join(', ')}`,
        { rollout: created.busyWith },
      );
    await this.enqueue(created.id);
    return created;
  }

  async get(id: string): Promise<Rollout> {
    const rollout = await this.rollouts.find(id);
    if (!rollout) throw ApiError.notFound('rollout_not_found', `no rollout ${id}`);
    return rollout;
  }

  list(): Promise<Rollout[]> {
    return this.rollouts.list();
  }

  /**
   * A rollout stored as running without a live job is queued again: the brain stopped between storing and queueing,
   * or its job failed without ending it (a kept failed job would keep the same job id from being added: retry it).
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const rollout of await this.rollouts.running()) {
        const job = await this.queue.getJob(`rollout-${rollout.id}`);
        if (job && (await job.isFailed())) await job.retry();
        else if (!job) await this.enqueue(rollout.id);
      }
    } catch (error) {
      this.logger.error({ error: (error as Error).message }, 'could not look for rollouts without a job');
    }
  }

  private enqueue(id: string): Promise<unknown> {
    return this.queue.add('rollout', { rolloutId: id }, { jobId: `rollout-${id}`, ...KEEP_JOBS });
  }
}

function optionsOf(request: RolloutRequest): RolloutOptions {
  const check = (name: string, value: number | undefined, fallback: number, max: number) => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value > 0) || value > max)
      throw new ApiError(400, 'bad_request', `${name}: a number of seconds above 0, at most ${max}`);
    return value;
  };
  return {
    waveTimeoutSeconds: check(
      'waveTimeoutSeconds',
      request.waveTimeoutSeconds,
      DEFAULT_OPTIONS.waveTimeoutSeconds,
      86_400,
    ),
    pollSeconds: check('pollSeconds', request.pollSeconds, DEFAULT_OPTIONS.pollSeconds, 300),
  };
}
