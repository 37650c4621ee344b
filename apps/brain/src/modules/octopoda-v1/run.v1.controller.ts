import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor, NoFilesInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { V1Reply } from '../../core/http/api-error';
import { TasksRepository } from '../tasks/tasks.repository';
import { TasksService } from '../tasks/tasks.service';
import { executionResults, isReadyForV1 } from './execution-result';
import { parseTargetNodes, singleQuery } from './v1.mappers';
import { V1ScopeService } from './v1-scope.service';

/** Octopoda's Result object: `{Rcode, Rmsg, Output, Version, Modified}`. */
const v1Result = (rmsg: string) => ({ Rcode: 0, Rmsg: rmsg, Output: '', Version: '', Modified: false });
/** Octopoda gave up on an unreachable node after ~2 s of retries; a short delivery timeout keeps that feel. */
const V1_DELIVERY_TIMEOUT_SECONDS = 3;
const SCRIPT_LIMIT = 16 * 1024 * 1024;
const TEXT = 'text/plain; charset=utf-8';

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
  ) {}

  @Post('run/cmd')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @UseInterceptors(NoFilesInterceptor())
  async runCommand(@Body() form: RunForm): Promise<string> {
    if (!form?.command || !form.targetNodes) throw new V1Reply(400, v1Result('ERORR: arguments'));
    return this.start(form, { command: form.command, background: Boolean(form.background) });
  }

  @Post('run/script')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @UseInterceptors(FileInterceptor('script', { limits: { fileSize: SCRIPT_LIMIT } }))
  async runScript(
    @Body() form: RunForm,
    @UploadedFile() script?: { originalname: string; buffer: Buffer; size: number },
  ): Promise<string> {
    if (!script || script.size === 0 || !form?.targetNodes)
      throw new V1Reply(400, v1Result('ERORR: arguments'));
    const name = script.originalname.split(/[/\\]/).pop() || 'script.sh';
    return this.start(form, {
      script: { name, contentBase64: script.buffer.toString('base64') },
      background: false,
    });
  }

  @Post('run/cancel')
  @HttpCode(200)
  @UseInterceptors(NoFilesInterceptor())
  async cancel(@Body() form: { taskid?: string }): Promise<void> {
    if (form?.taskid) await this.tasks.cancel(form.taskid).catch(() => undefined);
  }

  @Get('taskstate')
  async taskState(@Query('taskid') query?: unknown) {
    const taskId = singleQuery(query);
    if (!taskId) throw new V1Reply(400, v1Result('Wrong Args'));
    const task = await this.repository.find(taskId).catch(() => null);
    if (!task || task.v1Delivered) return [];
    if (!isReadyForV1(task, task.invocations)) throw new V1Reply(202, v1Result('TaskProcessing'));
    // Answered once, as Octopoda does; a second read gets [].
    if (!(await this.repository.claimV1Delivery(task.id))) return [];
    return executionResults(task, task.invocations);
  }

  private async start(
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
    if (names.length === 0 || !(await this.scope.inScope(names))) {
      throw new V1Reply(400, v1Result('ERROR: some nodes are invalid or out of scope.'));
    }
    const task = await this.tasks.create({
      targets: names,
      command: what.command,
      script: what.script,
      createdBy: 'octopoda-v1',
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
