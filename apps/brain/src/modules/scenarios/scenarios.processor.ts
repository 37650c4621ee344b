import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Queues, type ScenarioJobs } from '../../core/queue/jobs';
import { ApplyRunner } from './apply/apply-runner';

/**
 * Apply runs. A run's job holds a short lock that the worker renews while it works; when the brain stops in the
 * middle, the lock lapses, BullMQ finds the job stalled and runs it again, and the runner resumes where it was.
 */
@Processor(Queues.scenarios, {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 100,
  concurrency: 16,
})
export class ScenariosProcessor extends WorkerHost {
  constructor(private readonly runner: ApplyRunner) {
    super();
  }

  async process(job: Job<ScenarioJobs['apply']>): Promise<void> {
    if (job.name !== 'apply') throw new Error(`no handler for scenario job "${job.name}"`);
    try {
      await this.runner.run(job.data.runId);
    } catch (error) {
      // A run left `running` would keep its scenario busy for good: end it, saying why.
      await this.runner.abandon(job.data.runId, (error as Error).message);
      throw error;
    }
  }
}
