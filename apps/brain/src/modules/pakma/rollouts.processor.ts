import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Queues, type RolloutJobs } from '../../core/queue/jobs';
import { RolloutRunner } from './rollout-runner';

/** Rollouts: long jobs (waves wait for confirmations) that resume after a brain restart, as scenario runs do. */
@Processor(Queues.rollouts, {
  lockDuration: 30_000,
  stalledInterval: 15_000,
  maxStalledCount: 100,
  concurrency: 4,
})
export class RolloutsProcessor extends WorkerHost {
  constructor(private readonly runner: RolloutRunner) {
    super();
  }

  async process(job: Job<RolloutJobs['rollout']>): Promise<void> {
    if (job.name !== 'rollout') throw new Error(`no handler for rollout job "${job.name}"`);
    try {
      await this.runner.run(job.data.rolloutId);
    } catch (error) {
      await this.runner.abandon(job.data.rolloutId, (error as Error).message);
      throw error;
    }
  }
}
