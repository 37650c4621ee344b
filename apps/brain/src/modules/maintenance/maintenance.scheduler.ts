import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Queues } from '../../core/queue/jobs';

const SWEEP_EVERY_MS = 1_000;
/** The scheduler lives in Redis; re-asserting it now and then survives a Redis flush or restart. */
const REASSERT_EVERY_MS = 30_000;

/** Registers the repeating maintenance jobs (idempotent: a scheduler id is upserted, never duplicated). */
@Injectable()
export class MaintenanceScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('maintenance');
  private timer: NodeJS.Timeout | undefined;

  constructor(@InjectQueue(Queues.maintenance) private readonly queue: Queue) {}

  async start(): Promise<void> {
    await this.schedule();
    this.timer = setInterval(
      () =>
        void this.schedule().catch((error: Error) =>
          this.logger.error({ error: error.message }, 'could not schedule maintenance'),
        ),
      REASSERT_EVERY_MS,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'node-sweep',
      { every: SWEEP_EVERY_MS },
      { name: 'node-sweep', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
