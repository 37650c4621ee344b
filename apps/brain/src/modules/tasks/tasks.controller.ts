import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { ScopeService } from '../scope/scope.service';
import { ApiError } from '../../core/http/api-error';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { TaskStreamService } from './task-stream.service';
import {
  CreateTaskDto,
  ListTasksQuery,
  TaskDetailDto,
  TaskListDto,
  toTaskDetailDto,
  toTaskDto,
} from './tasks.dto';
import { TasksService } from './tasks.service';
import { parseCreateTask, parseListQuery } from './tasks.validation';

/** A task touching a node outside the caller's scope does not exist for the caller. */
const THE_TASK = { kind: 'task', from: { in: 'param', field: 'id' } } satisfies NodeScopeSpec;

@ApiTags('tasks')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2/tasks')
export class TasksController {
  constructor(
    private readonly tasks: TasksService,
    private readonly streams: TaskStreamService,
    private readonly scope: ScopeService,
  ) {}

  @Post()
  @NodeScope({ kind: 'names', from: [{ in: 'body', field: 'targets', format: 'targets' }] })
  @ApiOperation({ operationId: 'createTask', summary: 'Run a command or script on nodes' })
  @ApiResponse({ status: 201, type: TaskDetailDto })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'unknown_targets, no_targets' })
  async create(@Body() body: CreateTaskDto, @Req() request: AuthedRequest): Promise<TaskDetailDto> {
    const task = await this.tasks.create({
      ...parseCreateTask(body),
      createdBy: request.caller?.actor ?? null,
      scopePath: scopeOf(request),
    });
    return toTaskDetailDto(task);
  }

  @Get()
  @NodeScope({ kind: 'filtered' })
  @ApiOperation({ operationId: 'listTasks', summary: 'Task history, newest first' })
  @ApiOkResponse({ type: TaskListDto })
  async list(@Query() query: ListTasksQuery, @Req() request: AuthedRequest): Promise<TaskListDto> {
    const filter = parseListQuery(query);
    const within = await this.scope.membersOf(scopeOf(request));
    const items = await this.tasks.list({ ...filter, within: within && [...within] });
    const last = items.at(-1);
    return {
      items: items.map(toTaskDto),
      nextBefore: items.length === filter.limit && last ? last.createdAt.toISOString() : null,
    };
  }

  @Get(':id')
  @NodeScope(THE_TASK)
  @ApiOperation({ operationId: 'getTask', summary: 'A task with its invocations' })
  @ApiOkResponse({ type: TaskDetailDto })
  @ApiResponse({ status: 404, type: ApiErrorDto })
  async get(@Param('id') id: string): Promise<TaskDetailDto> {
    return toTaskDetailDto(await this.tasks.get(id));
  }

  @Post(':id/cancel')
  @NodeScope(THE_TASK)
  @HttpCode(200)
  @ApiOperation({ operationId: 'cancelTask', summary: 'Stop what has not finished' })
  @ApiOkResponse({ type: TaskDetailDto })
  async cancel(@Param('id') id: string): Promise<TaskDetailDto> {
    return toTaskDetailDto(await this.tasks.cancel(id));
  }

  @Sse(':id/events')
  @NodeScope(THE_TASK)
  @ApiOperation({ operationId: 'taskEvents', summary: 'Server-sent events: invocation, output, done' })
  @ApiProduces('text/event-stream')
  async events(@Param('id') id: string, @Req() request: AuthedRequest): Promise<Observable<MessageEvent>> {
    const task = await this.tasks.get(id).catch(() => {
      throw ApiError.notFound('task_not_found', `no task ${id}`);
    });
    return this.streams.stream(task, request.socket);
  }
}
