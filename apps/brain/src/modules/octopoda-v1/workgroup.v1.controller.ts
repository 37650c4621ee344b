import { Controller, Get, Headers, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessLevel } from '../../core/auth/access.decorator';
import { V1Reply } from '../../core/http/api-error';
import { isSameOrSubPath, normalizePath, WorkgroupService } from '../workgroup/workgroup.service';
import { singleQuery } from './v1.mappers';

/** Octopoda's workgroup routes. Only the root group exists until workgroups land. */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1/workgroup')
export class WorkgroupV1Controller {
  constructor(private readonly workgroups: WorkgroupService) {}

  /**
   * Octopoda returns the group's password in clear; passwords are stored hashed here, so `Password` is
   * empty. Octopoda's clients only look at the status code (it is how they authenticate at start-up).
   */
  @Get('info')
  async info(@Query('path') path?: unknown, @Headers('rootpath') rootPath?: string) {
    const target = normalizePath(singleQuery(path));
    if (!isSameOrSubPath(target, normalizePath(rootPath)))
      throw new V1Reply(401, 'target path is not under rootpath', true);
    if (!(await this.workgroups.exists(target))) throw new V1Reply(404, 'path not exist', true);
    return { Path: target, Password: '' };
  }
}
