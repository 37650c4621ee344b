import { Body, Controller, Header, HttpCode, Post, Req, UploadedFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { rm } from 'node:fs/promises';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { V1Reply } from '../../core/http/api-error';
import { BlobService } from '../files/blob.service';
import { FilesService } from '../files/files.service';
import { ScenariosRepository, type ScenarioWithApps } from '../scenarios/scenarios.repository';
import { ScenariosService } from '../scenarios/scenarios.service';
import { TasksService } from '../tasks/tasks.service';
import { isNodeAppName } from './scenario.v1.mappers';
import { formField, orV1, parseTargetNodes, v1Caller, v1Result } from './v1.mappers';
import { V1ScopeService } from './v1-scope.service';

const TEXT = 'text/plain; charset=utf-8';
const OUT_OF_SCOPE = 'ERROR: some nodes are invalid or out of scope.';
const WRONG_ARGS = 'ERROR: Wrong Args';
/** Octopoda gave up on an unreachable node after a few seconds; these carry files, like file pushes. */
const V1_DELIVERY_TIMEOUT_SECONDS = 10;
const MAX_MESSAGE = 4096;

/** Octopoda checked prepare's targets against the scope; deployment and commit too here (one workgroup model). */
const APP_TARGETS: NodeScopeSpec = {
  kind: 'names',
  from: [{ in: 'body', field: 'targetNodes', format: 'json' }],
  refuse: () => new V1Reply(400, v1Result(OUT_OF_SCOPE)),
};

/** A multipart file as multer stored it on disk (the blob store's temp directory). */
interface DiskFile {
  path: string;
  size: number;
}

interface ScriptFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

/** What every app route names: the app, its scenario and the nodes. */
interface AppForm {
  app: string;
  scenario: string;
  description: string;
  message: string;
  nodes: string;
}

const answer = (status: number, rmsg: string) => new V1Reply(status, v1Result(rmsg));

function appForm(form: unknown): AppForm {
  return {
    app: formField(form, 'appName'),
    scenario: formField(form, 'scenario'),
    description: formField(form, 'description'),
    message: formField(form, 'message'),
    nodes: formField(form, 'targetNodes'),
  };
}

/**
 * The per-app steps Octopoda's octl drives one request at a time (reference spec §10.3): prepare (the app's files
 * into its nodeapp, committed), deployment (a target's script run in the nodeapp) and commit. Each answers 202 and
 * the task id; results come through /taskstate. A prepare or commit records the nodeapps' new versions on the
 * brain, for the next POST /scenario/update.
 */
@ApiExcludeController()
@AccessLevel('octopoda')
@NodeScope(APP_TARGETS)
@Controller('api/v1/scenario/app')
export class ScenarioAppsV1Controller {
  constructor(
    private readonly scenarios: ScenariosService,
    private readonly repo: ScenariosRepository,
    private readonly tasks: TasksService,
    private readonly files: FilesService,
    private readonly blobs: BlobService,
    private readonly scope: V1ScopeService,
  ) {}

  /** Octopoda's zip of the app's source folder, unpacked into the nodeapp and committed with `message`. */
  @Post('prepare')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  async appPrepare(
    @Req() request: AuthedRequest,
    @Body() body: unknown,
    @UploadedFile() pack?: DiskFile,
  ): Promise<string> {
    try {
      const form = appForm(body);
      if (!form.description || !form.message || !pack || pack.size === 0) throw answer(400, WRONG_ARGS);
      const { targets } = await this.checked(request, form);
      await this.repo.defineApp(form.scenario, form.app, form.description);
      const blob = await this.blobs.adoptUpload(pack.path);
      const task = await this.files.push({
        blob: blob.sha256,
        name: `${form.app}@${form.scenario}.zip`,
        format: 'zip',
        path: '',
        force: true,
        mode: null,
        nodeapp: { app: form.app, scenario: form.scenario, message: form.message },
        targets,
        options: { deliveryTimeoutSeconds: V1_DELIVERY_TIMEOUT_SECONDS },
        ...v1Caller(request),
      });
      return task.id;
    } finally {
      if (pack) await rm(pack.path, { force: true });
    }
  }

  /** A target's script, run in the nodeapp's directory (made when missing); `Result` is $OCTOPODA_OUTPUT. */
  @Post('deployment')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  async appDeployment(
    @Req() request: AuthedRequest,
    @Body() body: unknown,
    @UploadedFile() script?: ScriptFile,
  ): Promise<string> {
    const form = appForm(body);
    if (!form.description || !script || script.size === 0) throw answer(400, WRONG_ARGS);
    const { scenario, targets } = await this.checked(request, form);
    // Octopoda's purge sends the description "PURGED": an app the scenario has keeps its own.
    if (!scenario.apps.some((app) => app.name === form.app)) {
      await this.repo.defineApp(form.scenario, form.app, form.description);
    }
    const task = await this.tasks.create({
      targets,
      script: {
        name: script.originalname.split(/[/\\]/).pop() || 'script.sh',
        contentBase64: script.buffer.toString('base64'),
      },
      options: {
        app: { app: form.app, scenario: form.scenario },
        deliveryTimeoutSeconds: V1_DELIVERY_TIMEOUT_SECONDS,
      },
      ...v1Caller(request),
    });
    return task.id;
  }

  /** Commits whatever the nodeapp holds, always making a version (Octopoda's `.DUMMY` line). */
  @Post('commit')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  async appCommit(@Req() request: AuthedRequest, @Body() body: unknown): Promise<string> {
    const form = appForm(body);
    if (!form.message || form.message.length > MAX_MESSAGE) throw answer(400, WRONG_ARGS);
    const { scenario, targets } = await this.checked(request, form);
    if (!scenario.apps.some((app) => app.name === form.app)) {
      await this.repo.defineApp(form.scenario, form.app, form.description);
    }
    const task = await this.tasks.create({
      targets,
      command: `commit ${form.app}@${form.scenario}`,
      nodeapp: { op: 'commit', message: form.message, always: true },
      options: {
        app: { app: form.app, scenario: form.scenario },
        deliveryTimeoutSeconds: V1_DELIVERY_TIMEOUT_SECONDS,
      },
      ...v1Caller(request),
    });
    return task.id;
  }

  /** Octopoda's checks in its order: names given, the scenario exists, targetNodes parse, every node known. */
  private async checked(
    request: AuthedRequest,
    form: AppForm,
  ): Promise<{ scenario: ScenarioWithApps; targets: string[] }> {
    if (!isNodeAppName(form.app) || !isNodeAppName(form.scenario) || !form.nodes) {
      throw answer(400, WRONG_ARGS);
    }
    if (form.message.length > MAX_MESSAGE) throw answer(400, WRONG_ARGS);
    const scenario = await orV1(this.scenarios.get(form.scenario, v1Caller(request)), (error) =>
      error.getStatus() === 404 ? answer(404, 'ERROR: Scenario Not Exists') : undefined,
    );
    const targets = parseTargetNodes(form.nodes);
    if (!targets) throw answer(400, `ERROR: unmarshal targetNodes: ${form.nodes}`);
    if (targets.length === 0 || !(await this.scope.allKnown(targets))) throw answer(400, OUT_OF_SCOPE);
    return { scenario, targets };
  }
}
