import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AccessLevel } from '../../core/auth/access.decorator';
import { scopeOf, type AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope, type NodeScopeSpec } from '../../core/auth/node-scope.decorator';
import { ApiErrorDto } from '../nodes/nodes.dto';
import { TaskDetailDto, toTaskDetailDto } from '../tasks/tasks.dto';
import { BlobService } from './blob.service';
import { BlobDto, FileTreeDto, PullFileDto, PushFileDto } from './files.dto';
import { BRAIN_NODE, FilesService } from './files.service';
import { parsePull, parsePush } from './files.validation';
import type { PulledFile } from './pull.delivery';

/** `brain` is a name only callers at the root workgroup may use: its files belong to no workgroup. */
const THE_NODE = { kind: 'names', from: [{ in: 'param', field: 'name' }] } satisfies NodeScopeSpec;

@ApiTags('files')
@ApiBearerAuth()
@AccessLevel('api')
@Controller('api/v2')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly blobs: BlobService,
  ) {}

  @Put('files/blobs')
  @HttpCode(201)
  @NodeScope({ kind: 'none' })
  @ApiOperation({
    operationId: 'uploadBlob',
    summary: 'Store bytes on the brain (streamed); answers their sha256',
  })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 201, type: BlobDto })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'checksum_mismatch (x-octopod-sha256 given)' })
  async upload(@Req() request: Request): Promise<BlobDto> {
    const expected = request.header('x-octopod-sha256')?.toLowerCase();
    return this.blobs.upload(request, expected);
  }

  @Get('files/blobs/:sha256')
  @NodeScope({ kind: 'none' })
  @ApiOperation({ operationId: 'downloadBlob', summary: 'The bytes of a blob' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 404, type: ApiErrorDto })
  async download(@Param('sha256') sha256: string, @Res() response: Response): Promise<void> {
    const size = await this.blobs.require(sha256);
    await this.stream(response, {
      blob: sha256,
      size,
      format: 'file',
      type: 'file',
      name: sha256,
      mode: 0o644,
    });
  }

  @Post('files/push')
  @NodeScope({ kind: 'names', from: [{ in: 'body', field: 'targets', format: 'targets' }] })
  @ApiOperation({ operationId: 'pushFile', summary: 'Send an uploaded blob to nodes (a task)' })
  @ApiResponse({ status: 201, type: TaskDetailDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'blob_not_found' })
  @ApiResponse({ status: 422, type: ApiErrorDto, description: 'unknown_targets, no_targets' })
  async push(@Body() body: PushFileDto, @Req() request: AuthedRequest): Promise<TaskDetailDto> {
    const task = await this.files.push({
      ...parsePush(body),
      createdBy: request.caller?.actor ?? null,
      scopePath: scopeOf(request),
    });
    return toTaskDetailDto(task);
  }

  @Post('files/pull')
  @NodeScope({ kind: 'names', from: [{ in: 'body', field: 'node' }] })
  @ApiOperation({
    operationId: 'pullFile',
    summary: 'Fetch a file or directory from a node into a blob (a task; its output names the blob)',
  })
  @ApiResponse({ status: 201, type: TaskDetailDto })
  async pull(@Body() body: PullFileDto, @Req() request: AuthedRequest): Promise<TaskDetailDto> {
    const { node, path } = parsePull(body);
    const task = await this.files.pull({
      node,
      path,
      format: 'auto',
      zipPrefix: null,
      createdBy: request.caller?.actor ?? null,
      scopePath: scopeOf(request),
    });
    return toTaskDetailDto(task);
  }

  @Get('nodes/:name/files')
  @NodeScope(THE_NODE)
  @ApiOperation({ operationId: 'listNodeFiles', summary: 'A directory on a node (or `brain`), recursively' })
  @ApiQuery({ name: 'path', required: true })
  @ApiQuery({ name: 'hidden', required: false, type: Boolean })
  @ApiOkResponse({ type: FileTreeDto })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'path_not_found' })
  @ApiResponse({ status: 409, type: ApiErrorDto, description: 'node_offline' })
  async tree(
    @Param('name') name: string,
    @Query('path') path: string | undefined,
    @Query('hidden') hidden: string | undefined,
  ): Promise<FileTreeDto> {
    const tree = await this.files.tree(name, path || '@fstore', hidden === 'true');
    return { node: name, ...tree };
  }

  @Get('nodes/:name/files/content')
  @NodeScope(THE_NODE)
  @ApiOperation({
    operationId: 'nodeFileContent',
    summary: 'A file, or a tar of a directory, from a node (pulled first) or from the brain',
  })
  @ApiQuery({ name: 'path', required: true })
  @ApiProduces('application/octet-stream', 'application/x-tar')
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'path_not_found' })
  async content(
    @Param('name') name: string,
    @Query('path') path: string | undefined,
    @Req() request: AuthedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const wanted = parsePull({ node: name, path: path as string });
    const pulled =
      name === BRAIN_NODE
        ? await this.files.pullFromBrain(wanted.path, 'auto', null)
        : await this.files.pulled(
            await this.files.pull({
              ...wanted,
              format: 'auto',
              zipPrefix: null,
              createdBy: request.caller?.actor ?? null,
              scopePath: scopeOf(request),
            }),
          );
    await this.stream(response, pulled);
  }

  private async stream(response: Response, pulled: PulledFile): Promise<void> {
    response.status(200);
    response.setHeader(
      'content-type',
      pulled.format === 'tar' ? 'application/x-tar' : 'application/octet-stream',
    );
    response.setHeader('content-length', String(pulled.size));
    response.setHeader('x-octopod-sha256', pulled.blob);
    response.setHeader('x-octopod-type', pulled.type);
    response.setHeader('x-octopod-name', encodeURIComponent(pulled.name));
    response.setHeader('x-octopod-mode', pulled.mode.toString(8));
    await pipeline(this.blobs.store.open(pulled.blob), response).catch(() => response.destroy());
  }
}
