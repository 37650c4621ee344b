import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Queues, type TaskJobName, type TaskJobs } from '../../core/queue/jobs';
import { InvocationLedger } from './invocation-ledger.service';
import { TaskDispatcher } from './task-dispatcher.service';
import { TasksRepository } from './tasks.repository';

type Handlers = { [K in TaskJobName]: (payload: TaskJobs[K]) => Promise<unknown> };

/**
 * Task jobs. Dispatch needs the node connections, so this runs where the gateway runs (one process holding
 * both roles, today); both jobs are idempotent, so a retry or a second delivery changes nothing.
 */
@Processor(Queues.tasks)
export class TasksProcessor extends WorkerHost {
  private readonly handlers: Handlers = {
    dispatch: ({ taskId }) => this.dispatch(taskId),
    'delivery-timeout': ({ taskId }) => this.expire(taskId),
  };

  constructor(
    private readonly tasks: TasksRepository,
    private readonly dispatcher: TaskDispatcher,
    private readonly ledger: InvocationLedger,
  ) {
    super();
  }

  process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as TaskJobName];
    if (!handler) throw new Error(`no handler for task job "${job.name}"`);
    return handler(job.data as never);
  }

  private async dispatch(taskId: string): Promise<void> {
    const task = this.dispatcher.take(taskId) ?? (await this.tasks.find(taskId));
    if (task && task.state === 'running') await this.dispatcher.dispatch(task);
  }

  private async expire(taskId: string): Promise<number> {
    const expired = await this.tasks.expireDeliveries(taskId, new Date());
    await this.ledger.publish(expired);
    return expired.length;
  }
}
