import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { V1Reply } from '../../core/http/api-error';
import {
  answerAs,
  callerOrRoot,
  WorkgroupError,
  WorkgroupService,
  type WorkgroupErrorCode,
} from '../workgroup/workgroup.service';
import { singleQuery } from './v1.mappers';

/** Octopoda's texts for each broken rule (brain/api/workgroup.go), sent as plain text. */
const V1_ANSWERS: Record<WorkgroupErrorCode, [number, string]> = {
  not_under_root: [401, 'target path is not under rootpath'],
  not_direct_child: [401, 'target path is not directly under rootpath'],
  not_found: [404, 'path not exist'],
  password_too_short: [400, 'password must longer than 6'],
  empty_members: [400, 'add empty members is not allows'],
  invalid_members: [400, 'names is valid or beyond scope'],
  bad_path: [400, 'invalid path'],
};

const MAX_BODY = 64 * 1024;

/**
 * The JSON body, whatever its content type: Octopoda's octl posts these bodies without one (Go sets none), and
 * Gin's BindJSON decodes them anyway. Undefined when the body is not JSON.
 */
async function jsonBody(request: Request): Promise<unknown> {
  if (request.body !== undefined) return request.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Go's decoder: a JSON `null` leaves the struct empty; a field of the wrong type is an error. */
function decode<T extends Record<string, unknown>>(
  body: unknown,
  fields: { [K in keyof T]: (value: unknown) => boolean },
): Partial<T> | undefined {
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body) || body === undefined) return undefined;
  const record = body as Record<string, unknown>;
  for (const [field, valid] of Object.entries(fields)) {
    if (record[field] !== undefined && record[field] !== null && !valid(record[field])) return undefined;
  }
  return record as Partial<T>;
}

const isString = (value: unknown) => typeof value === 'string';
const isStringList = (value: unknown) => Array.isArray(value) && value.every(isString);

/** A broken rule as Octopoda's plain-text answer. */
function toV1(error: WorkgroupError): V1Reply {
  const [status, text] = V1_ANSWERS[error.code];
  return new V1Reply(status, text, true);
}

const v1 = <T>(work: Promise<T>): Promise<T> => answerAs(work, toV1);

/** Octopoda's workgroup routes (reference spec §2.2, §12), over the same service as /api/v2/workgroups. */
@ApiExcludeController()
@AccessLevel('octopoda')
// Tree management touches no node; member names are checked against the caller's scope by the service.
@NodeScope({ kind: 'none' })
@Controller('api/v1/workgroup')
export class WorkgroupV1Controller {
  constructor(private readonly workgroups: WorkgroupService) {}

  private view(request: AuthedRequest, path: unknown) {
    return v1(this.workgroups.view(callerOrRoot(request.caller), singleQuery(path) ?? ''));
  }

  /**
   * Octopoda returns the group's password in clear; passwords are stored hashed here and never handed out, so
   * `Password` is empty. Octopoda's clients only look at the status code (it is how they authenticate).
   */
  @Get('info')
  async info(@Req() request: AuthedRequest, @Query('path') path?: unknown) {
    const view = await this.view(request, path);
    return { Path: view.path, Password: '' };
  }

  @Post('info')
  @HttpCode(200)
  async grant(@Req() request: AuthedRequest): Promise<void> {
    const info = decode<{ Path: string; Password: string }>(await jsonBody(request), {
      Path: isString,
      Password: isString,
    });
    if (!info) throw new V1Reply(400, 'invalid grant info', true);
    const granting = this.workgroups.grant(
      callerOrRoot(request.caller),
      info.Path ?? '',
      info.Password ?? '',
    );
    // Octopoda answers a grant on a missing group from its storage layer.
    await answerAs(granting, (error) =>
      error.code === 'not_found'
        ? new V1Reply(500, 'internal error: granted path is not exist', true)
        : toV1(error),
    );
  }

  /** Full paths of the children. */
  @Get('children')
  async children(@Req() request: AuthedRequest, @Query('path') path?: unknown): Promise<string[]> {
    return (await this.view(request, path)).children;
  }

  @Get('members')
  async members(@Req() request: AuthedRequest, @Query('path') path?: unknown): Promise<string[]> {
    return (await this.view(request, path)).members;
  }

  /** Adds or removes members; removing every member (or naming none) deletes the group and its subtree. */
  @Post('members')
  @HttpCode(200)
  async changeMembers(@Req() request: AuthedRequest): Promise<void> {
    const params = decode<{ Path: string; IsAdd: boolean; Members: string[] }>(await jsonBody(request), {
      Path: isString,
      IsAdd: (value) => typeof value === 'boolean',
      Members: isStringList,
    });
    if (!params) throw new V1Reply(400, 'invalid operation params', true);
    const caller = callerOrRoot(request.caller);
    const [path, members] = [params.Path ?? '', params.Members ?? []];
    request.scopeTargets = [...new Set(members)]; // for the audit trail
    await v1(
      params.IsAdd
        ? this.workgroups.addMembers(caller, path, members)
        : this.workgroups.removeMembers(caller, path, members),
    );
  }
}
