import { Injectable } from '@nestjs/common';
import { Prisma, type Invocation, type InvocationState, type Task } from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';
import { TERMINAL_STATES } from './task-options';

export type TaskWithInvocations = Task & { invocations: Invocation[] };

export interface NewTask {
  id: string;
  kind: 'command' | 'script';
  command: string;
  scriptName: string | null;
  scriptContent: string | null;
  targets: string[];
  options: Prisma.InputJsonValue;
  createdBy: string | null;
  invocations: Array<{ id: string; node: string }>;
}

export interface OutputChunk {
  invocationId: string;
  stream: string;
  offset: number;
  data: string;
}

const OPEN_STATES: InvocationState[] = ['pending', 'delayed', 'running'];

/** The only code touching task, invocation and invocation_output. */
@Injectable()
export class TasksRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(task: NewTask): Promise<TaskWithInvocations> {
    const { invocations, ...fields } = task;
    return this.prisma.task.create({
      data: { ...fields, invocations: { create: invocations } },
      include: { invocations: { orderBy: { node: 'asc' } } },
    });
  }

  find(id: string): Promise<TaskWithInvocations | null> {
    return this.prisma.task.findUnique({
      where: { id },
      include: { invocations: { orderBy: { node: 'asc' } } },
    });
  }

  list(filter: {
    limit: number;
    before?: Date;
    node?: string;
    state?: Task['state'];
  }): Promise<TaskWithInvocations[]> {
    return this.prisma.task.findMany({
      where: {
        ...(filter.before ? { createdAt: { lt: filter.before } } : {}),
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.node ? { invocations: { some: { node: filter.node } } } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: filter.limit,
      include: { invocations: { orderBy: { node: 'asc' } } },
    });
  }

  /** Invocations a node should (still) be sent: not started, not finished. */
  undelivered(node: string): Promise<Array<Invocation & { task: Task }>> {
    return this.prisma.invocation.findMany({
      where: { node, state: { in: ['pending', 'delayed'] }, task: { state: 'running' } },
      include: { task: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  findInvocation(id: string): Promise<(Invocation & { task: Task }) | null> {
    return this.prisma.invocation.findUnique({ where: { id }, include: { task: true } });
  }

  /** Moves an open invocation; a finished one never changes again. Returns the row if it moved. */
  async advance(
    id: string,
    data: Prisma.InvocationUpdateInput,
    from: InvocationState[] = OPEN_STATES,
  ): Promise<Invocation | null> {
    const { count } = await this.prisma.invocation.updateMany({
      where: { id, state: { in: from } },
      data: data as Prisma.InvocationUpdateManyMutationInput,
    });
    return count === 1 ? this.prisma.invocation.findUnique({ where: { id } }) : null;
  }

  async markAccepted(id: string, at: Date): Promise<void> {
    await this.prisma.invocation.updateMany({ where: { id, acceptedAt: null }, data: { acceptedAt: at } });
  }

  /** Delayed invocations past their delivery deadline become delivery_timed_out. */
  async expireDeliveries(taskId: string, now: Date): Promise<Invocation[]> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.invocation.findMany({
        where: { taskId, state: { in: ['pending', 'delayed'] }, acceptedAt: null, deliverBy: { lte: now } },
      });
      if (due.length === 0) return [];
      await tx.invocation.updateMany({
        where: { id: { in: due.map((i) => i.id) }, state: { in: ['pending', 'delayed'] } },
        data: {
          state: 'delivery_timed_out',
          endedAt: now,
          error: 'the node was not connected within the delivery timeout',
        },
      });
      return tx.invocation.findMany({ where: { id: { in: due.map((i) => i.id) } } });
    });
  }

  /** Closes the task (done, or stays cancelled) once no invocation is open; true only for the call that closed it. */
  async finishIfComplete(taskId: string, at: Date): Promise<boolean> {
    const open = await this.prisma.invocation.count({ where: { taskId, state: { in: OPEN_STATES } } });
    if (open > 0) return false;
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.task.updateMany({
        where: { id: taskId, doneAt: null },
        data: { doneAt: at },
      });
      await tx.task.updateMany({ where: { id: taskId, state: 'running' }, data: { state: 'done' } });
      return count === 1;
    });
  }

  /** Cancels what has not ended; returns the invocations that were still open. */
  async cancel(taskId: string, at: Date): Promise<Invocation[]> {
    return this.prisma.$transaction(async (tx) => {
      const open = await tx.invocation.findMany({ where: { taskId, state: { in: OPEN_STATES } } });
      await tx.invocation.updateMany({
        where: { taskId, state: { in: ['pending', 'delayed'] }, startedAt: null, acceptedAt: null },
        data: { state: 'cancelled', endedAt: at, error: 'Canceled' },
      });
      await tx.task.updateMany({ where: { id: taskId, state: 'running' }, data: { state: 'cancelled' } });
      return open;
    });
  }

  async appendOutput(chunks: OutputChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.prisma.invocationOutput.createMany({ data: chunks, skipDuplicates: true });
  }

  outputOf(invocationIds: string[]): Promise<Array<OutputChunk & { id: bigint }>> {
    return this.prisma.invocationOutput.findMany({
      where: { invocationId: { in: invocationIds } },
      orderBy: { id: 'asc' },
    });
  }

  /** The Octopoda face hands results out once: true the first time only. */
  async claimV1Delivery(taskId: string): Promise<boolean> {
    const { count } = await this.prisma.task.updateMany({
      where: { id: taskId, v1Delivered: false },
      data: { v1Delivered: true },
    });
    return count === 1;
  }

  static readonly terminalStates = TERMINAL_STATES;
}
