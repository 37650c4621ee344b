import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, UploadedFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { V1Reply } from '../../core/http/api-error';
import { changedNodeApp, NodeAppRecorder } from '../scenarios/nodeapp-recorder';
import { TasksRepository } from '../tasks/tasks.repository';
import { TasksService } from '../tasks/tasks.service';
import { executionResults, isReadyForV1 } from './execution-result';
import { parseTargetNodes, singleQuery, v1Result } from './v1.mappers';
import { V1PullPayload } from './v1-pull-payload';
import { V1ScopeService } from './v1-scope.service';

/** Octopoda gave up on an unreachable node after ~2 s of retries; a short delivery timeout keeps that feel. */
const V1_DELIVERY_TIMEOUT_SECONDS = 3;
const TEXT = 'text/plain; charset=utf-8';

/** Names outside the caller's scope: Octopoda's answer to names that are invalid or out of scope. */
const RUN_TARGETS: NodeScopeSpec = {
  kind: 'names',
  from: [{ in: 'body', field: 'targetNodes', format: 'json' }],
  refuse: () => new V1Reply(400, v1Result('ERROR: some nodes are invalid or out of scope.')),
};

interface RunForm {
  command?: string;
  background?: string;
  delayTime?: string;
  needAlign?: string;
  targetNodes?: string;
}

/** Octopoda's run routes (reference spec §1.8, §2.2, §7): 202 + task id, then /taskstate polling. */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1')
export class RunV1Controller {
  constructor(
    private readonly tasks: TasksService,
    private readonly repository: TasksRepository,
    private readonly scope: V1ScopeService,
    private readonly pulls: V1PullPayload,
    private readonly recorder: NodeAppRecorder,
  ) {}

  @Post('run/cmd')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @NodeScope(RUN_TARGETS)
  async runCommand(@Body() form: RunForm, @Req() request: AuthedRequest): Promise<string> {
    if (!form?.command || !form.targetNodes) throw new V1Reply(400, v1Result('ERORR: arguments'));
    return this.start(request, form, { command: form.command, background: Boolean(form.background) });
  }

  @Post('run/script')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @NodeScope(RUN_TARGETS)
  async runScript(
    @Req() request: AuthedRequest,
    @Body() form: RunForm,
    @UploadedFile() script?: { originalname: string; buffer: Buffer; size: number },
  ): Promise<string> {
    if (!script || script.size === 0 || !form?.targetNodes)
      throw new V1Reply(400, v1Result('ERORR: arguments'));
    const name = script.originalname.split(/[/\\]/).pop() || 'script.sh';
    return this.start(request, form, {
      script: { name, contentBase64: script.buffer.toString('base64') },
      background: false,
    });
  }

  @Post('run/cancel')
  @HttpCode(200)
  // A task outside the scope is not there: nothing is cancelled, and the answer is the same empty 200.
  @NodeScope({
    kind: 'task',
    from: { in: 'body', field: 'taskid' },
    refuse: () => new V1Reply(200, undefined),
  })
  async cancel(@Body() form: { taskid?: string }): Promise<void> {
    if (form?.taskid) await this.tasks.cancel(form.taskid).catch(() => undefined);
  }

  @Get('taskstate')
  @NodeScope({ kind: 'task', from: { in: 'query', field: 'taskid' }, refuse: () => new V1Reply(200, []) })
  async taskState(@Query('taskid') query?: unknown) {
    const taskId = singleQuery(query);
    if (!taskId) throw new V1Reply(400, v1Result('Wrong Args'));
    const task = await this.repository.find(taskId).catch(() => null);
    if (!task || task.v1Delivered) return [];
    if (!isReadyForV1(task, task.invocations)) throw new V1Reply(202, v1Result('TaskProcessing'));
    // Octopoda's octl sends POST /scenario/update next: the versions must be recorded by then. Recording is
    // idempotent; the recorder's own listener records it too (and logs when it cannot).
    if (changedNodeApp(task)) await this.recorder.record(task).catch(() => undefined);
    // Answered once, as Octopoda does; a second read gets [].
    if (!(await this.repository.claimV1Delivery(task.id))) return [];
    return this.pulls.fill(task, executionResults(task, task.invocations));
  }

  private async start(
    request: AuthedRequest,
    form: RunForm,
    what: { command?: string; script?: { name: string; contentBase64: string }; background: boolean },
  ): Promise<string> {
    const delay = Number.parseInt(form.delayTime ?? '', 10);
    if (!Number.isFinite(delay))
      throw new V1Reply(
        400,
        v1Result(`ERORR: arguments: delayTime "${form.delayTime ?? ''}" is not a number`),
      );
    const names = parseTargetNodes(form.targetNodes);
    if (!names) throw new V1Reply(400, v1Result('ERROR: targetNodes'));
    if (names.length === 0 || !(await this.scope.allKnown(names))) {
      throw new V1Reply(400, v1Result('ERROR: some nodes are invalid or out of scope.'));
    }
    const task = await this.tasks.create({
      targets: names,
      command: what.command,
      script: what.script,
      createdBy: request.caller?.actor ?? 'octopoda-v1',
      scopePath: scopeOf(request),
      options: {
        background: what.background,
        delaySeconds: Math.max(0, delay),
        loadedOnAccept: delay >= 0,
        align: form.needAlign === 'true' && names.length > 1,
        deliveryTimeoutSeconds: V1_DELIVERY_TIMEOUT_SECONDS,
      },
    });
    // The bare task id as text/plain, as Octopoda answers.
    return task.id;
  }
}
