import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import type { AuthedRequest } from '../../core/auth/access.guard';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { ApiError } from '../../core/http/api-error';
import { ApiErrorDto } from '../nodes/nodes.dto';
import {
  ChangeWorkgroupMembersRequest,
  DeleteWorkgroupQuery,
  GrantWorkgroupRequest,
  WorkgroupChangeDto,
  WorkgroupDto,
  WorkgroupQuery,
} from './workgroup.dto';
import { answerAs, callerOrRoot, WorkgroupService, type WorkgroupErrorCode } from './workgroup.service';

const V2_ANSWERS: Record<WorkgroupErrorCode, [number, string]> = {
  bad_path: [400, 'workgroup_bad_path'],
  not_under_root: [403, 'workgroup_not_under_root'],
  not_direct_child: [403, 'workgroup_not_direct_child'],
  not_found: [404, 'workgroup_not_found'],
  password_too_short: [400, 'workgroup_password_too_short'],
  empty_members: [400, 'workgroup_members_empty'],
  invalid_members: [422, 'workgroup_members_invalid'],
};

/** The service's rule errors as /api/v2 errors. */
function v2<T>(work: Promise<T>): Promise<T> {
  return answerAs(work, (error) => {
    const [status, code] = V2_ANSWERS[error.code];
    return new ApiError(status, code, error.message);
  });
}

const bad = (message: string) => new ApiError(400, 'bad_request', message);

function stringField(body: unknown, field: string): string {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string') throw bad(`${field} must be a string`);
  return value;
}

function namesField(body: unknown, field: string): string[] {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string' || name === '')) {
    throw bad(`${field} must be a list of node names`);
  }
  return value as string[];
}

const PATH_ERRORS = 'workgroup_not_under_root, workgroup_not_direct_child';

/**
 * The workgroup tree (reference spec §12) for octl. Paths are absolute and must lie under the caller's root group;
 * only direct children of the root group may be changed. Tree management touches no node itself; names added are
 * checked against the caller's current group by the service.
 */
@ApiTags('workgroups')
@ApiBearerAuth()
@AccessLevel('api')
@NodeScope({ kind: 'none' })
@Controller('api/v2/workgroups')
export class WorkgroupController {
  constructor(private readonly workgroups: WorkgroupService) {}

  @Get()
  @ApiOperation({
    operationId: 'getWorkgroup',
    summary: 'A workgroup: its children, members, and whether it can be logged into',
  })
  @ApiOkResponse({ type: WorkgroupDto })
  @ApiResponse({ status: 403, type: ApiErrorDto, description: 'workgroup_not_under_root' })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'workgroup_not_found' })
  get(@Query() query: WorkgroupQuery, @Req() request: AuthedRequest): Promise<WorkgroupDto> {
    const caller = callerOrRoot(request.caller);
    const path = typeof query.path === 'string' ? query.path : caller.scopePath;
    return v2(this.workgroups.view(caller, path));
  }

  @Post('members')
  @HttpCode(200)
  @ApiOperation({ operationId: 'changeWorkgroupMembers', summary: 'Add nodes to a workgroup or remove them' })
  @ApiOkResponse({ type: WorkgroupChangeDto })
  @ApiResponse({
    status: 400,
    type: ApiErrorDto,
    description: 'bad_request, workgroup_members_empty, workgroup_bad_path',
  })
  @ApiResponse({ status: 403, type: ApiErrorDto, description: PATH_ERRORS })
  @ApiResponse({
    status: 422,
    type: ApiErrorDto,
    description: 'workgroup_members_invalid (outside your current group, or not members)',
  })
  changeMembers(
    @Body() body: ChangeWorkgroupMembersRequest,
    @Req() request: AuthedRequest,
  ): Promise<WorkgroupChangeDto> {
    const path = stringField(body, 'path');
    const action = stringField(body, 'action');
    const members = namesField(body, 'members');
    if (action !== 'add' && action !== 'remove') throw bad('action must be "add" or "remove"');
    // Removing nobody would delete the group in Octopoda's API; here that takes DELETE.
    if (members.length === 0) throw new ApiError(400, 'workgroup_members_empty', `no members to ${action}`);
    request.scopeTargets = [...new Set(members)]; // for the audit trail
    const caller = callerOrRoot(request.caller);
    return v2(
      action === 'add'
        ? this.workgroups.addMembers(caller, path, members)
        : this.workgroups.removeMembers(caller, path, members),
    );
  }

  @Delete()
  @ApiOperation({ operationId: 'deleteWorkgroup', summary: 'Delete a workgroup with every group below it' })
  @ApiOkResponse({ type: WorkgroupChangeDto })
  @ApiResponse({ status: 403, type: ApiErrorDto, description: PATH_ERRORS })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'workgroup_not_found' })
  remove(@Query() query: DeleteWorkgroupQuery, @Req() request: AuthedRequest): Promise<WorkgroupChangeDto> {
    return v2(this.workgroups.removeGroup(callerOrRoot(request.caller), stringField(query, 'path')));
  }

  @Post('grant')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'grantWorkgroup',
    summary: "Set a workgroup's password, so it can be logged into",
  })
  @ApiResponse({ status: 204, description: 'granted' })
  @ApiResponse({ status: 400, type: ApiErrorDto, description: 'bad_request, workgroup_password_too_short' })
  @ApiResponse({ status: 403, type: ApiErrorDto, description: PATH_ERRORS })
  @ApiResponse({ status: 404, type: ApiErrorDto, description: 'workgroup_not_found' })
  async grant(@Body() body: GrantWorkgroupRequest, @Req() request: AuthedRequest): Promise<void> {
    const path = stringField(body, 'path');
    await v2(this.workgroups.grant(callerOrRoot(request.caller), path, stringField(body, 'password')));
  }
}
