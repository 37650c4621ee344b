import { Injectable } from '@nestjs/common';
import {
  Prisma,
  type Invocation,
  type InvocationState,
  type Task,
  type TaskState,
} from '../../generated/prisma/client';
import { PrismaService } from '../../core/database/prisma.service';
import { TERMINAL_STATES, type TaskKind } from './task-options';

export type TaskWithInvocations = Task & { invocations: Invocation[] };

export interface NewTask {
  id: string;
  kind: TaskKind;
  command: string;
  scriptName: string | null;
  scriptContent: string | null;
  targets: string[];
  options: Prisma.InputJsonValue;
  createdBy: string | null;
  workgroup: string;
  createdAt: Date;
  invocations: Array<{ id: string; node: string; deliverBy: Date | null }>;
}

export interface OutputChunk {
  invocationId: string;
  stream: string;
  offset: number;
  data: string;
}

const OPEN_STATES: InvocationState[] = ['pending', 'delayed', 'running'];
/** An invocation row as the generated client names its fields, for raw statements that return rows. */
const INVOCATION_COLUMNS = Prisma.sql`i.id, i.task_id AS "taskId", i.node, i.state::text AS state,
  i.exit_code AS "exitCode", i.pid, i.stdout, i.stderr, i.output, i.error, i.deliver_by AS "deliverBy",
  i.accepted_at AS "acceptedAt", i.started_at AS "startedAt", i.ended_at AS "endedAt",
  i.created_at AS "createdAt", i.updated_at AS "updatedAt"`;
const ERROR_STATES: InvocationState[] = ['failed', 'timed_out', 'delivery_timed_out'];

/**
 * One change to an invocation: a new state (only from one of `from`) and fields; without `state`, only fields
 * that are still unset are filled (an acceptance). Applied in batches by {@link TasksRepository.applyChanges}.
 */
export interface InvocationChange {
  id: string;
  state?: InvocationState;
  from?: InvocationState[];
  exitCode?: number | null;
  pid?: number | null;
  stdout?: string;
  stderr?: string;
  output?: string;
  error?: string | null;
  deliverBy?: Date;
  acceptedAt?: Date;
  startedAt?: Date;
  endedAt?: Date;
}

/** Two changes to one invocation met in a batch: the later wins field by field, its state and guard too. */
export function mergeChanges(earlier: InvocationChange, later: InvocationChange): InvocationChange {
  const merged: InvocationChange = { ...earlier };
  for (const [key, value] of Object.entries(later)) {
    if (value !== undefined && value !== null) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  if (later.state === undefined) {
    merged.state = earlier.state;
    merged.from = earlier.from;
  }
  return merged;
}

/** The only code touching task, invocation and invocation_output. */
@Injectable()
export class TasksRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores a task and its invocations (one statement for all of them) and answers them as stored. */
  async create(task: NewTask): Promise<TaskWithInvocations> {
    const { invocations, ...fields } = task;
    const at = task.createdAt;
    const [created] = await this.prisma.$transaction([
      this.prisma.task.create({ data: fields }),
      this.prisma.$executeRaw`
        INSERT INTO "invocation" (id, task_id, node, deliver_by, created_at, updated_at)
        SELECT v.id, ${task.id}, v.node, v.deliver_by, ${at}, ${at}
        FROM unnest(${invocations.map((i) => i.id)}::text[], ${invocations.map((i) => i.node)}::text[],
                    ${invocations.map((i) => i.deliverBy)}::timestamp[]) AS v(id, node, deliver_by)`,
    ]);
    return {
      ...created,
      invocations: invocations.map((i) => ({
        ...i,
        taskId: task.id,
        state: 'pending',
        exitCode: null,
        pid: null,
        stdout: '',
        stderr: '',
        output: '',
        error: null,
        acceptedAt: null,
        startedAt: null,
        endedAt: null,
        createdAt: at,
        updatedAt: at,
      })),
    };
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
    /** Only tasks whose every node is one of these (a caller's scope); all tasks when absent. */
    within?: string[] | null;
  }): Promise<TaskWithInvocations[]> {
    return this.prisma.task.findMany({
      where: {
        ...(filter.before ? { createdAt: { lt: filter.before } } : {}),
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.node ? { invocations: { some: { node: filter.node } } } : {}),
        ...(filter.within ? { NOT: { invocations: { some: { node: { notIn: filter.within } } } } } : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: filter.limit,
      include: { invocations: { orderBy: { node: 'asc' } } },
    });
  }

  /** Invocations a node should (still) be sent: not started, not finished. */
  /**
   * What a node that (re)joins should get: invocations not handed to it yet, and file transfers that were running
   * (a transfer whose link or brain went away resumes from what the node holds).
   */
  undelivered(node: string): Promise<Array<Invocation & { task: Task }>> {
    return this.prisma.invocation.findMany({
      where: {
        node,
        task: { state: 'running' },
        OR: [
          { state: { in: ['pending', 'delayed'] } },
          { state: 'running', task: { kind: { in: ['file_push', 'file_pull'] } } },
        ],
      },
      include: { task: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  findInvocation(id: string): Promise<(Invocation & { task: Task }) | null> {
    return this.prisma.invocation.findUnique({ where: { id }, include: { task: true } });
  }

  /**
   * Applies a batch of changes in one statement (at most one change per invocation) and answers the rows that
   * changed. A change whose guard fails (the invocation already ended, say) changes nothing.
   */
  async applyChanges(changes: InvocationChange[], at: Date): Promise<Invocation[]> {
    if (changes.length === 0) return [];
    const col = <T>(pick: (c: InvocationChange) => T | undefined) => changes.map((c) => pick(c) ?? null);
    return this.prisma.$queryRaw<Invocation[]>`
      UPDATE "invocation" AS i SET
        state = COALESCE(v.state::"InvocationState", i.state),
        exit_code = COALESCE(v.exit_code, i.exit_code), pid = COALESCE(v.pid, i.pid),
        stdout = COALESCE(v.stdout, i.stdout), stderr = COALESCE(v.stderr, i.stderr),
        output = COALESCE(v.output, i.output), error = COALESCE(v.error, i.error),
        deliver_by = COALESCE(i.deliver_by, v.deliver_by), accepted_at = COALESCE(i.accepted_at, v.accepted_at),
        started_at = COALESCE(v.started_at, i.started_at), ended_at = COALESCE(v.ended_at, i.ended_at),
        updated_at = ${at}
      FROM unnest(
        ${col((c) => c.id)}::text[], ${col((c) => c.state)}::text[], ${col((c) => c.from?.join(','))}::text[],
        ${col((c) => c.exitCode)}::int[], ${col((c) => c.pid)}::int[], ${col((c) => c.stdout)}::text[],
        ${col((c) => c.stderr)}::text[], ${col((c) => c.output)}::text[], ${col((c) => c.error)}::text[],
        ${col((c) => c.deliverBy)}::timestamp[], ${col((c) => c.acceptedAt)}::timestamp[],
        ${col((c) => c.startedAt)}::timestamp[], ${col((c) => c.endedAt)}::timestamp[]
      ) AS v(id, state, "from", exit_code, pid, stdout, stderr, output, error, deliver_by, accepted_at,
             started_at, ended_at)
      WHERE i.id = v.id
        AND (v."from" IS NULL OR i.state::text = ANY(string_to_array(v."from", ',')))
        AND (v.state IS NOT NULL OR v.accepted_at IS NULL OR i.accepted_at IS NULL)
      RETURNING ${INVOCATION_COLUMNS}`;
  }

  /**
   * Hands an invocation back to waiting for its node: `delayed`, not accepted, with a new delivery deadline (a
   * transfer whose link was lost). Answers the row, or nothing if it had already ended.
   */
  async requeue(id: string, deliverBy: Date, at: Date): Promise<Invocation | undefined> {
    const rows = await this.prisma.$queryRaw<Invocation[]>`
      UPDATE "invocation" AS i SET state = 'delayed', accepted_at = NULL, deliver_by = ${deliverBy}, updated_at = ${at}
      WHERE i.id = ${id} AND i.state IN ('pending', 'delayed', 'running')
      RETURNING ${INVOCATION_COLUMNS}`;
    return rows[0];
  }

  /** Invocations not yet handed to their node are cancelled (a task past its error budget); answers them. */
  async abandonUndelivered(taskId: string, reason: string, at: Date): Promise<Invocation[]> {
    return this.prisma.$queryRaw<Invocation[]>`
      UPDATE "invocation" AS i SET state = 'cancelled', ended_at = ${at}, error = ${reason}, updated_at = ${at}
      WHERE i.task_id = ${taskId} AND i.state IN ('pending', 'delayed') AND i.accepted_at IS NULL
      RETURNING ${INVOCATION_COLUMNS}`;
  }

  countErrors(taskId: string): Promise<number> {
    return this.prisma.invocation.count({ where: { taskId, state: { in: ERROR_STATES } } });
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

  /**
   * Closes the tasks (done, or they stay cancelled) that have no open invocation left; answers those this call
   * closed. Every change that ends an invocation is followed by this check, so the last one closes the task.
   */
  async finishComplete(taskIds: string[], at: Date): Promise<Array<{ id: string; state: TaskState }>> {
    if (taskIds.length === 0) return [];
    return this.prisma.$queryRaw<Array<{ id: string; state: TaskState }>>`
      UPDATE "task" AS t SET done_at = ${at},
        state = CASE WHEN t.state = 'running' THEN 'done'::"TaskState" ELSE t.state END
      WHERE t.id = ANY(${taskIds}::text[]) AND t.done_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM "invocation" AS i
        WHERE i.task_id = t.id AND i.state IN ('pending', 'delayed', 'running'))
      RETURNING t.id, t.state::text AS state`;
  }

  /**
   * Cancels what has not been handed to a node yet; answers what was open before (running ones are stopped on
   * their nodes) and the rows this cancelled.
   */
  async cancel(taskId: string, at: Date): Promise<{ open: Invocation[]; cancelled: Invocation[] }> {
    return this.prisma.$transaction(async (tx) => {
      const open = await tx.invocation.findMany({ where: { taskId, state: { in: OPEN_STATES } } });
      const waiting = {
        taskId,
        state: { in: ['pending', 'delayed'] as InvocationState[] },
        acceptedAt: null,
      };
      const cancelled = await tx.invocation.findMany({ where: waiting });
      await tx.invocation.updateMany({
        where: { id: { in: cancelled.map((i) => i.id) } },
        data: { state: 'cancelled', endedAt: at, error: 'Canceled' },
      });
      await tx.task.updateMany({ where: { id: taskId, state: 'running' }, data: { state: 'cancelled' } });
      return {
        open,
        cancelled: cancelled.map((i) => ({
          ...i,
          state: 'cancelled' as const,
          endedAt: at,
          error: 'Canceled',
        })),
      };
    });
  }

  async appendOutput(chunks: OutputChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    await this.prisma.invocationOutput.createMany({ data: chunks, skipDuplicates: true });
  }

  /** Every output chunk of a task's invocations, in arrival order. */
  outputOfTask(taskId: string): Promise<OutputChunk[]> {
    return this.prisma.$queryRaw<OutputChunk[]>`
      SELECT o.invocation_id AS "invocationId", o.stream, o."offset", o.data
      FROM "invocation_output" AS o JOIN "invocation" AS i ON i.id = o.invocation_id
      WHERE i.task_id = ${taskId}
      ORDER BY o.id`;
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
