import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../http/api-error';
import { BRAIN_NAME, ScopeService } from '../../modules/scope/scope.service';
import { ROOT_PATH } from '../../modules/workgroup/workgroup.service';
import type { AuthedRequest } from './access.guard';
import { namesAt } from './name-sources';
import { NODE_SCOPE_KEY, type NodeScopeSpec, type Refusal } from './node-scope.decorator';

const unknownTargets: Refusal = (outside) =>
  new ApiError(422, 'unknown_targets', `unknown nodes or groups: ${outside.join(', ')}`);

/**
 * The one place that decides which nodes a caller may see or touch, for every route of both faces (after the
 * AccessGuard established who is calling). Routes declare how with @NodeScope; a route without a declaration is
 * refused, so a new route cannot forget it.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly scope: ScopeService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const spec = this.reflector.getAllAndOverride<NodeScopeSpec | undefined>(NODE_SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!spec) throw new ApiError(500, 'no_scope_declared', 'this route declares no node scope');
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const path = request.caller?.scopePath ?? ROOT_PATH;
    switch (spec.kind) {
      case 'none':
      case 'filtered':
        return true;
      case 'root':
        if (path !== ROOT_PATH)
          throw new ApiError(403, 'root_only', 'only callers in the root workgroup may do this');
        return true;
      case 'names': {
        const names = spec.from.flatMap((source) => namesAt(request, source));
        request.scopeTargets = [...new Set(names)];
        const checked = spec.allowBrain ? names.filter((name) => name !== BRAIN_NAME) : names;
        const outside = await this.scope.outside(checked, path);
        if (outside.length > 0) throw (spec.refuse ?? unknownTargets)(outside);
        return true;
      }
      case 'task': {
        const [taskId] = namesAt(request, spec.from);
        if (!taskId) return true; // the handler answers a missing id
        const nodes = await this.scope.nodesOfTask(taskId);
        if (nodes === null) return true; // unknown task: the handler answers as it does for any unknown id
        request.scopeTargets = [...new Set(nodes)];
        const outside = await this.scope.outside(nodes, path);
        // A task touching nodes outside the scope does not exist for this caller.
        if (outside.length > 0)
          throw (spec.refuse ?? (() => ApiError.notFound('task_not_found', `no task ${taskId}`)))(outside);
        return true;
      }
    }
  }
}
