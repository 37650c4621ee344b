import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import { ApiError, V1Reply } from '../http/api-error';
import {
  isSameOrSubPath,
  normalizePath,
  ROOT_PATH,
  WorkgroupService,
} from '../../modules/workgroup/workgroup.service';
import { ACCESS_KEY, type Access } from './access.decorator';

/** What the guard learned about the caller; handlers read it through @Caller(). */
export interface CallerContext {
  /** CN of the verified client certificate, if one was presented. */
  certificateName?: string;
  /** Workgroup path whose members the caller may act on. */
  scopePath: string;
}

export type AuthedRequest = Request & { caller?: CallerContext };

function verifiedCertificateName(request: Request): string | undefined {
  const socket = request.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate?.()?.subject?.CN;
  return cn ? String(cn) : undefined;
}

/** Deny by default: the one place that decides who may call what. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly workgroups: WorkgroupService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    if (access === 'public') return true;
    if (access === 'octopoda') return this.octopoda(request);
    if (access === 'api') return this.api(request);
    throw new ApiError(403, 'forbidden', 'route declares no access level');
  }

  /** Octopoda's WorkgroupAuth (reference spec §2.1): every failure is 401 with an empty body. */
  private async octopoda(request: AuthedRequest): Promise<boolean> {
    const certificateName = verifiedCertificateName(request);
    const deny = () => new V1Reply(401, undefined);
    if (!certificateName) throw deny();
    const rootPath = normalizePath(request.header('rootpath'));
    const currentPath = normalizePath(request.header('currentpath'));
    const password = request.header('password') ?? '';
    if (!password) throw deny();
    if (!isSameOrSubPath(currentPath, rootPath)) throw deny();
    if (!(await this.workgroups.checkPassword(rootPath, password))) throw deny();
    // Only the root group exists yet; a sub-path has no members, and Octopoda refuses an empty current group.
    if (currentPath !== ROOT_PATH) throw deny();
    request.caller = { certificateName, scopePath: currentPath };
    return true;
  }

  private async api(request: AuthedRequest): Promise<boolean> {
    const certificateName = verifiedCertificateName(request);
    if (certificateName) {
      request.caller = { certificateName, scopePath: ROOT_PATH };
      return true;
    }
    const header = request.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match && (await this.workgroups.checkPassword(ROOT_PATH, match[1] as string))) {
      request.caller = { scopePath: ROOT_PATH };
      return true;
    }
    throw new ApiError(
      401,
      'unauthorized',
      "present a client certificate from this brain's CA or a bearer token",
    );
  }
}
