import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  UploadedFile,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { extractZip, placeEntries } from '@octopod/files';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { BrainConfig } from '../../core/config/brain-config';
import { BRAIN_CONFIG } from '../../core/config/config.tokens';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { ApiError, V1Reply } from '../../core/http/api-error';
import { BlobService } from '../files/blob.service';
import { resolveBrainPath, storeRelative } from '../files/brain-paths';
import { BRAIN_NODE, FilesService } from '../files/files.service';
import { ROOT_PATH } from '../workgroup/workgroup-path';
import { goMonthDayTime } from './go-time';
import { parseTargetNodes, singleQuery, v1Result } from './v1.mappers';
import { V1ScopeService } from './v1-scope.service';

const TEXT = 'text/plain; charset=utf-8';
const OUT_OF_SCOPE = 'ERROR: some nodes are invalid or out of scope.';
/** Octopoda gave up on an unreachable node after a few seconds; file pushes get a little longer. */
const V1_DELIVERY_TIMEOUT_SECONDS = 10;

/** A multipart file as multer stored it on disk (in the blob store's temp directory). */
interface DiskFile {
  path: string;
  size: number;
  originalname: string;
}

interface DistribForm {
  targetPath?: string;
  isForce?: string;
  targetNodes?: string;
}

interface SpreadForm {
  TargetPath?: string;
  FileOrDir?: string;
  TargetNodes?: string[] | string;
}

const DISTRIB_TARGETS: NodeScopeSpec = {
  kind: 'names',
  from: [{ in: 'body', field: 'targetNodes', format: 'json' }],
  refuse: () => new V1Reply(400, v1Result(OUT_OF_SCOPE)),
};

const ONE_NODE: NodeScopeSpec = {
  kind: 'names',
  from: [{ in: 'query', field: 'name' }],
  refuse: () => new V1Reply(400, v1Result(OUT_OF_SCOPE)),
};

/** Octopoda's `<unix nanoseconds>.wrap`, the folder its zips carry everything under. */
function wrapName(): string {
  return `${BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)}.wrap`;
}

/** Octopoda's file routes (reference spec §2.2, §8): zips in, zips out, results through /taskstate. */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1/file')
export class FilesV1Controller {
  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    private readonly files: FilesService,
    private readonly blobs: BlobService,
    private readonly scope: V1ScopeService,
  ) {}

  /** octl's `file upload`: its zip (`<n>.wrap/<name>…`) to every node; the `*.wrap` folder's entries land in targetPath. */
  @Post('distrib')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @NodeScope(DISTRIB_TARGETS)
  async distrib(
    @Req() request: AuthedRequest,
    @Body() form: DistribForm,
    @UploadedFile() pack?: DiskFile,
  ): Promise<string> {
    try {
      if (!pack || pack.size === 0) throw new V1Reply(400, v1Result('ERROR: Wrong Args: packfiles'));
      const names = parseTargetNodes(form?.targetNodes);
      if (!names || names.length === 0 || !(await this.scope.allKnown(names))) {
        throw new V1Reply(400, v1Result(OUT_OF_SCOPE));
      }
      const blob = await this.blobs.adoptUpload(pack.path);
      const task = await this.files.push({
        blob: blob.sha256,
        name: 'packfiles.zip',
        format: 'zip',
        path: form.targetPath ?? '',
        force: form.isForce === 'true',
        mode: null,
        targets: names,
        options: { deliveryTimeoutSeconds: V1_DELIVERY_TIMEOUT_SECONDS },
        createdBy: request.caller?.actor ?? 'octopoda-v1',
        scopePath: scopeOf(request),
      });
      return task.id;
    } finally {
      if (pack) await rm(pack.path, { force: true });
    }
  }

  /** A zip into the brain's own store (relative targetPath = under it); one result, named `brain`. */
  @Post('upload')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  // The brain's own store is shared by everyone: only callers at the root workgroup write to it.
  @NodeScope({ kind: 'root' })
  async upload(
    @Req() request: AuthedRequest,
    @Body() form: { targetPath?: string },
    @UploadedFile() pack?: DiskFile,
  ): Promise<string> {
    try {
      if (!pack || pack.size === 0) throw new V1Reply(400, v1Result('ERROR: Wrong Args: tarfile'));
      const target = await resolveV1(this.config, form?.targetPath || '@fstore');
      const blob = await this.blobs.adoptUpload(pack.path);
      const spec = {
        kind: 'push',
        blob: blob.sha256,
        size: blob.size,
        format: 'zip',
        name: 'tarfile.zip',
      } as const;
      const task = await this.files.onBrain(
        `file upload -> ${form?.targetPath || '@fstore'}`,
        { ...spec, path: target, force: true, mode: null },
        { createdBy: request.caller?.actor ?? 'octopoda-v1', scopePath: scopeOf(request) },
        async () => {
          await unpackOctopodaZip(this.blobs.store.path(blob.sha256), target);
          return 'OK';
        },
      );
      return task.id;
    } finally {
      if (pack) await rm(pack.path, { force: true });
    }
  }

  /** A file or directory of the brain's store to nodes. */
  @Post('spread')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @NodeScope({
    kind: 'names',
    from: [{ in: 'body', field: 'TargetNodes' }],
    refuse: () => new V1Reply(400, v1Result(OUT_OF_SCOPE)),
  })
  async spread(@Req() request: AuthedRequest, @Body() form: SpreadForm): Promise<string> {
    const names =
      typeof form?.TargetNodes === 'string' ? parseTargetNodes(form.TargetNodes) : form?.TargetNodes;
    if (!form?.FileOrDir || !Array.isArray(names) || names.length === 0) {
      throw new V1Reply(400, v1Result('ERROR: Wrong Args'));
    }
    if (!(await this.scope.allKnown(names))) throw new V1Reply(400, v1Result(OUT_OF_SCOPE));
    // The brain's store belongs to no workgroup: only callers at the root read from it.
    if (scopeOf(request) !== ROOT_PATH) throw new V1Reply(400, v1Result(OUT_OF_SCOPE));
    const pulled = await Promise.resolve()
      .then(() => this.files.pullFromBrain(storeRelative(form.FileOrDir as string), 'auto', null))
      .catch((error: Error) => {
        const status = error instanceof ApiError && error.getStatus() === 400 ? 400 : 404;
        throw new V1Reply(status, v1Result(`ERROR: ${error.message}`));
      });
    const task = await this.files.push({
      blob: pulled.blob,
      name: pulled.name,
      format: pulled.format === 'tar' ? 'tar' : 'file',
      path: form.TargetPath ?? '',
      force: true,
      mode: pulled.mode,
      targets: names,
      options: { deliveryTimeoutSeconds: V1_DELIVERY_TIMEOUT_SECONDS },
      createdBy: request.caller?.actor ?? 'octopoda-v1',
      scopePath: scopeOf(request),
    });
    return task.id;
  }

  /** octl's `file download`: a zip of `fileOrDir` from a node, or (unlike Octopoda) from the brain. */
  @Get('pull')
  @HttpCode(202)
  @Header('Content-Type', TEXT)
  @NodeScope(ONE_NODE)
  async pull(
    @Req() request: AuthedRequest,
    @Query('name') nameQuery?: unknown,
    @Query('fileOrDir') pathQuery?: unknown,
  ): Promise<string> {
    const name = singleQuery(nameQuery);
    const path = singleQuery(pathQuery);
    if (!name || !path) throw new V1Reply(400, v1Result('ERROR: Wrong Args'));
    const who = { createdBy: request.caller?.actor ?? 'octopoda-v1', scopePath: scopeOf(request) };
    const zipPrefix = wrapName();
    if (name === BRAIN_NODE) {
      const spec = { kind: 'pull', path, format: 'zip', zipPrefix } as const;
      const task = await this.files.onBrain(`file pull ${path}`, spec, who, async () =>
        JSON.stringify(await this.files.pullFromBrain(path, 'zip', zipPrefix)),
      );
      return task.id;
    }
    if (!(await this.scope.allKnown([name]))) throw new V1Reply(400, v1Result(OUT_OF_SCOPE));
    const task = await this.files.pull({ node: name, path, format: 'zip', zipPrefix, ...who });
    return task.id;
  }

  /** A directory on a node or the brain: `[{Name, Size, ModifyTime}]`, recursive, no dot entries. */
  @Get('tree')
  @NodeScope(ONE_NODE)
  async tree(@Query('name') nameQuery?: unknown, @Query('subdir') subdirQuery?: unknown) {
    const name = singleQuery(nameQuery);
    const subdir = singleQuery(subdirQuery) ?? '';
    if (!name) throw new V1Reply(400, v1Result('ERROR: Wrong Args'));
    try {
      const tree = await this.files.tree(name, subdir || '@fstore', false);
      return tree.entries.map((entry) => ({
        Name: entry.name,
        Size: entry.size,
        ModifyTime: goMonthDayTime(entry.mtimeMs),
      }));
    } catch (error) {
      if (error instanceof ApiError) {
        const status = error.getStatus();
        throw new V1Reply(status === 404 ? 404 : 400, v1Result(`ERROR: ${error.message}`));
      }
      throw error;
    }
  }
}

async function resolveV1(config: BrainConfig, path: string): Promise<string> {
  try {
    return await resolveBrainPath(config, path);
  } catch (error) {
    throw new V1Reply(400, v1Result(`ERROR: ${(error as Error).message}`));
  }
}

/** Extracts an Octopoda zip beside `target` and moves the `*.wrap` folder's entries into it. */
async function unpackOctopodaZip(zip: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const staging = join(target, `.octopod-upload-${process.pid}-${Date.now()}`);
  await mkdir(staging);
  try {
    await extractZip(zip, staging);
    const top = await readdir(staging);
    const wrap = top.length === 1 && top[0].endsWith('.wrap') ? join(staging, top[0]) : staging;
    if (!(await stat(wrap)).isDirectory()) throw new Error('unpack Files: the zip holds no folder');
    await placeEntries(wrap, target);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
