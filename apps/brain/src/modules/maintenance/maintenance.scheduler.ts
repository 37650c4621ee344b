import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Queues } from '../../core/queue/jobs';

const SWEEP_EVERY_MS = 1_000;

/** Registers the repeating maintenance jobs (idempotent: a scheduler id is upserted, never duplicated). */
@Injectable()
export class MaintenanceScheduler {
  constructor(@InjectQueue(Queues.maintenance) private readonly queue: Queue) {}

  async start(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'node-sweep',
      { every: SWEEP_EVERY_MS },
      { name: 'node-sweep', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
