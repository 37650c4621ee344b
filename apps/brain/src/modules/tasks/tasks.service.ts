import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NodeAppOp } from '@octopod/protocol';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../core/http/api-error';
import { KEEP_JOBS, Queues } from '../../core/queue/jobs';
import { NodesService } from '../nodes/nodes.service';
import { InvocationLedger } from './invocation-ledger.service';
import { TaskEventsService } from './task-events.service';
import { TaskDispatcher } from './task-dispatcher.service';
import {
  DEFAULT_DELIVERY_TIMEOUT_SECONDS,
  FILE_TASK_KINDS,
  type FileSpec,
  type TaskKind,
  type TaskOptions,
} from './task-options';
import { TasksRepository, type TaskWithInvocations } from './tasks.repository';

export interface TaskRequest {
  /** Chosen by the caller (a scenario step), so a retried request finds the task instead of making another. */
  id?: string;
  targets: string[];
  command?: string;
  script?: { name: string; contentBase64: string };
  /** A file transfer instead of a command; `command` then describes it for listings. */
  file?: FileSpec;
  /** A change to a nodeapp (kind `nodeapp`, `options.app` names it) instead of a command. */
  nodeapp?: NodeAppOp;
  options: Partial<TaskOptions>;
  createdBy: string | null;
  /** The caller's current workgroup: targets are resolved in it, and the task is recorded under it. */
  scopePath?: string;
}

/** How often a waiter looks at a task's stored state besides listening for its end. */
const FINISHED_POLL_MS = 2_000;

@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly nodes: NodesService,
    private readonly dispatcher: TaskDispatcher,
    private readonly ledger: InvocationLedger,
    private readonly events: TaskEventsService,
    @InjectQueue(Queues.tasks) private readonly queue: Queue,
  ) {}

  /**
   * Stores the task with one invocation per node and queues its dispatch. Unknown targets are refused; nodes that
   * are not connected get their invocation when they return (until the delivery timeout).
   */
  async create(request: TaskRequest): Promise<TaskWithInvocations> {
    const hasCommand = typeof request.command === 'string' && request.command.length > 0;
    if (!request.file && !request.nodeapp && hasCommand === Boolean(request.script))
      throw new ApiError(400, 'bad_request', 'give exactly one of command or script');
    const resolved = await this.nodes.resolve(request.targets, {
      bareAll: true,
      scopePath: request.scopePath,
    });
    if (resolved.unknown.length) {
      throw new ApiError(422, 'unknown_targets', `unknown nodes or groups: ${resolved.unknown.join(', ')}`);
    }
    const nodes = [...resolved.online, ...resolved.unhealthy].sort();
    if (nodes.length === 0) throw new ApiError(422, 'no_targets', 'the targets name no node');
    const options: TaskOptions = {
      background: request.options.background ?? false,
      delaySeconds: request.options.delaySeconds ?? 0,
      align: request.options.align ?? false,
      timeoutSeconds: request.options.timeoutSeconds ?? null,
      deliveryTimeoutSeconds: request.options.deliveryTimeoutSeconds ?? DEFAULT_DELIVERY_TIMEOUT_SECONDS,
      maxConcurrency: request.options.maxConcurrency ?? null,
      maxErrors: request.options.maxErrors ?? null,
      env: request.options.env ?? {},
      loadedOnAccept: request.options.loadedOnAccept ?? false,
      ...(request.file ? { file: request.file } : {}),
      ...(request.options.app ? { app: request.options.app } : {}),
      ...(request.nodeapp ? { nodeapp: request.nodeapp } : {}),
    };
    // A task paced by maxConcurrency starts the delivery clock of each node when its turn comes, not now.
    const paced = options.maxConcurrency !== null;
    const createdAt = new Date();
    const deliverBy = paced ? null : new Date(createdAt.getTime() + options.deliveryTimeoutSeconds * 1000);
    const task = await this.tasks.create({
      id: request.id ?? randomUUID(),
      kind: taskKind(request),
      command: request.script ? request.script.name : (request.command ?? ''),
      scriptName: request.script?.name ?? null,
      scriptContent: request.script?.contentBase64 ?? null,
      targets: request.targets,
      options: options as never,
      createdBy: request.createdBy,
      workgroup: request.scopePath ?? '',
      createdAt,
      invocations: nodes.map((node) => ({ id: randomUUID(), node, deliverBy })),
    });
    this.dispatcher.hold(task);
    try {
      await this.queue.addBulk([
        { name: 'dispatch', data: { taskId: task.id }, opts: { jobId: `dispatch-${task.id}`, ...KEEP_JOBS } },
        {
          name: 'delivery-timeout',
          data: { taskId: task.id },
          opts: {
            jobId: `delivery-timeout-${task.id}`,
            delay: options.deliveryTimeoutSeconds * 1000,
            ...KEEP_JOBS,
          },
        },
      ]);
    } catch (error) {
      // Nothing was sent: the task is kept, cancelled, so the request leaves no task that never runs.
      this.dispatcher.take(task.id);
      await this.tasks.cancel(task.id, new Date());
      await this.ledger.closeIfComplete([task.id]);
      throw new ApiError(
        503,
        'queue_unavailable',
        `the task could not be queued (${(error as Error).message}); nothing was sent, task ${task.id} is cancelled`,
      );
    }
    return task;
  }

  /**
   * Waits until the task has ended (every invocation did); answers it as stored then. The end is announced in this
   * process when this process holds the nodes; the stored state is also looked at every few seconds, so a waiter on
   * another brain instance learns it too.
   */
  async finished(taskId: string): Promise<TaskWithInvocations> {
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const done = (error?: Error) => {
        if (settled) return;
        settled = true;
        stop();
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const stop = this.events.subscribe(taskId, (event) => {
        if (event.type === 'done') done();
      });
      const check = () =>
        void this.get(taskId).then(
          (task) => {
            if (task.doneAt) done();
            else if (!settled) timer = setTimeout(check, FINISHED_POLL_MS);
          },
          (error: Error) => done(error),
        );
      check();
    });
    return this.get(taskId);
  }

  async get(id: string): Promise<TaskWithInvocations> {
    const task = await this.tasks.find(id);
    if (!task) throw ApiError.notFound('task_not_found', `no task ${id}`);
    return task;
  }

  list(filter: Parameters<TasksRepository['list']>[0]): Promise<TaskWithInvocations[]> {
    return this.tasks.list(filter);
  }

  /** Stops what has not ended: not-yet-started invocations at once, running ones on their nodes. */
  async cancel(id: string): Promise<TaskWithInvocations> {
    await this.get(id);
    this.dispatcher.take(id); // its dispatch job must read the cancelled state
    // Acceptances on their way to the database land first, so an accepted invocation is stopped, not skipped.
    await this.ledger.settled();
    const { open, cancelled } = await this.tasks.cancel(id, new Date());
    const gone = new Set(cancelled.map((i) => i.id));
    await this.dispatcher.cancelOnNodes(open.filter((i) => !gone.has(i.id)));
    await this.ledger.publish(cancelled);
    await this.ledger.closeIfComplete([id]);
    return this.get(id);
  }
}

function taskKind(request: TaskRequest): TaskKind {
  if (request.file) return FILE_TASK_KINDS[request.file.kind];
  if (request.nodeapp) return 'nodeapp';
  return request.script ? 'script' : 'command';
}
