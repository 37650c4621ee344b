import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { BRAIN_CONFIG, REDIS } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { Queues, type MaintenanceJobName, type MaintenanceJobs } from '../../core/queue/jobs';
import { NodesRepository } from '../nodes/nodes.repository';
import { instanceKey } from '../gateway/liveness.service';

type Handlers = { [K in MaintenanceJobName]: (payload: MaintenanceJobs[K]) => Promise<unknown> };

/** Cluster-wide housekeeping; whichever brain's worker takes the job does it once for all. */
@Processor(Queues.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger('maintenance');
  private readonly handlers: Handlers = { 'node-sweep': () => this.sweepNodes() };

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly nodes: NodesRepository,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as MaintenanceJobName];
    if (!handler) throw new Error(`no handler for maintenance job "${job.name}"`);
    return handler(job.data as never);
  }

  private async sweepNodes(): Promise<{ released: string[]; offline: string[] }> {
    const live = await this.liveInstances();
    const now = new Date();
    const released = await this.nodes.releaseOrphans(live, now);
    const offline = await this.nodes.sweepOffline(
      new Date(now.getTime() - this.config.tentacleFace.recordTimeout * 1000),
    );
    if (released.length)
      this.logger.warn({ nodes: released }, 'released connections of a vanished brain instance');
    if (offline.length) this.logger.log({ nodes: offline }, 'nodes offline');
    return { released, offline };
  }

  /** Instance ids whose presence key is still alive. */
  private async liveInstances(): Promise<string[]> {
    const prefix = this.config.redis.keyPrefix;
    const ids: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(
        cursor,
        'MATCH',
        `${prefix}${instanceKey('*')}`,
        'COUNT',
        200,
      );
      cursor = next;
      for (const key of keys) ids.push(key.slice(prefix.length + instanceKey('').length));
    } while (cursor !== '0');
    return ids;
  }
}
