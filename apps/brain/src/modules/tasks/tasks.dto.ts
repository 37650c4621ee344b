import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { Invocation } from '../../generated/prisma/client';
import type { TaskOptions } from './task-options';
import type { TaskWithInvocations } from './tasks.repository';

export class ScriptDto {
  @ApiProperty({ example: 'probe.sh' }) name!: string;
  @ApiProperty({ description: 'Script body, base64' }) contentBase64!: string;
}

@ApiSchema({ name: 'CreateTaskRequest' })
export class CreateTaskDto {
  @ApiProperty({ type: [String], example: ['pi-1', '@lab'], description: 'Names, @group, @ / @ALL / ALL' })
  targets!: string[];
  @ApiPropertyOptional({ example: 'uname -a' }) command?: string;
  @ApiPropertyOptional({ type: ScriptDto }) script?: ScriptDto;
  @ApiPropertyOptional({ description: 'Start and return the PID at once' }) background?: boolean;
  @ApiPropertyOptional({ description: 'Start this many seconds later (xrun)' }) delaySeconds?: number;
  @ApiPropertyOptional({ description: 'Start on every node at the same brain-clock instant' })
  align?: boolean;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'Kill after this many seconds; none by default',
  })
  timeoutSeconds?: number | null;
  @ApiPropertyOptional({ description: 'How long to wait for a disconnected node (default 60)' })
  deliveryTimeoutSeconds?: number;
  @ApiPropertyOptional() maxConcurrency?: number;
  @ApiPropertyOptional() maxErrors?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) env?: Record<
    string,
    string
  >;
}

export class TaskCounts {
  @ApiProperty() total!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() delayed!: number;
  @ApiProperty() running!: number;
  @ApiProperty() success!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() timedOut!: number;
  @ApiProperty() deliveryTimedOut!: number;
  @ApiProperty() cancelled!: number;
}

export class TaskOptionsDto {
  @ApiProperty() background!: boolean;
  @ApiProperty() delaySeconds!: number;
  @ApiProperty() align!: boolean;
  @ApiProperty({ type: Number, nullable: true }) timeoutSeconds!: number | null;
  @ApiProperty() deliveryTimeoutSeconds!: number;
  @ApiProperty({ type: Number, nullable: true }) maxConcurrency!: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxErrors!: number | null;
}

@ApiSchema({ name: 'Invocation' })
export class InvocationDto {
  @ApiProperty() id!: string;
  @ApiProperty() node!: string;
  @ApiProperty({
    enum: [
      'pending',
      'delayed',
      'running',
      'success',
      'failed',
      'timed_out',
      'delivery_timed_out',
      'cancelled',
    ],
  })
  state!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) acceptedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) endedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) exitCode!: number | null;
  @ApiProperty({ type: Number, nullable: true }) pid!: number | null;
  @ApiProperty({ description: 'Last 64 KiB' }) stdout!: string;
  @ApiProperty({ description: 'Last 64 KiB' }) stderr!: string;
  @ApiProperty({ description: "A script's $OCTOPODA_OUTPUT" }) output!: string;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
}

@ApiSchema({ name: 'Task' })
export class TaskDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['command', 'script', 'file_push', 'file_pull', 'nodeapp'] }) kind!: string;
  @ApiProperty() command!: string;
  @ApiProperty({ type: [String] }) targets!: string[];
  @ApiProperty({ enum: ['running', 'done', 'cancelled'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) doneAt!: string | null;
  @ApiProperty({ type: TaskCounts }) counts!: TaskCounts;
  @ApiProperty({ type: TaskOptionsDto }) options!: TaskOptionsDto;
}

@ApiSchema({ name: 'TaskDetail' })
export class TaskDetailDto extends TaskDto {
  @ApiProperty({ type: [InvocationDto] }) invocations!: InvocationDto[];
}

@ApiSchema({ name: 'TaskList' })
export class TaskListDto {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `before` for the next page' })
  nextBefore!: string | null;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ description: '1..200, default 20' }) limit?: string;
  @ApiPropertyOptional({ format: 'date-time' }) before?: string;
  @ApiPropertyOptional() node?: string;
  @ApiPropertyOptional({ enum: ['running', 'done', 'cancelled'] }) state?: string;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toInvocationDto(i: Invocation): InvocationDto {
  return {
    id: i.id,
    node: i.node,
    state: i.state,
    acceptedAt: iso(i.acceptedAt),
    startedAt: iso(i.startedAt),
    endedAt: iso(i.endedAt),
    exitCode: i.exitCode,
    pid: i.pid,
    stdout: i.stdout,
    stderr: i.stderr,
    output: i.output,
    error: i.error,
  };
}

export function countsOf(invocations: Invocation[]): TaskCounts {
  const count = (state: Invocation['state']) => invocations.filter((i) => i.state === state).length;
  return {
    total: invocations.length,
    pending: count('pending'),
    delayed: count('delayed'),
    running: count('running'),
    success: count('success'),
    failed: count('failed'),
    timedOut: count('timed_out'),
    deliveryTimedOut: count('delivery_timed_out'),
    cancelled: count('cancelled'),
  };
}

export function toTaskDto(task: TaskWithInvocations): TaskDto {
  const { env: _env, loadedOnAccept: _loaded, ...options } = task.options as unknown as TaskOptions;
  return {
    id: task.id,
    kind: task.kind,
    command: task.command,
    targets: task.targets,
    state: task.state,
    createdAt: task.createdAt.toISOString(),
    doneAt: iso(task.doneAt),
    counts: countsOf(task.invocations),
    options,
  };
}

export function toTaskDetailDto(task: TaskWithInvocations): TaskDetailDto {
  return { ...toTaskDto(task), invocations: task.invocations.map(toInvocationDto) };
}
