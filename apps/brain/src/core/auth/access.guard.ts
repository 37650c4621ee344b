import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { TLSSocket } from 'node:tls';
import { roleFromSubject } from '@octopod/pki';
import { ApiError, V1Reply } from '../http/api-error';
import {
  isSameOrSubPath,
  normalizePath,
  ROOT_PATH,
  WorkgroupService,
} from '../../modules/workgroup/workgroup.service';
import { TokenRefused, TokensService } from '../../modules/tokens/tokens.service';
import { ACCESS_KEY, type Access } from './access.decorator';

/** What the guard learned about the caller; handlers, the scope guard and the audit trail read it. */
export interface CallerContext {
  /** How the caller proved who it is: an admin client certificate, an API token, or Octopoda's headers. */
  kind: 'certificate' | 'token' | 'workgroup';
  /** Who, for the audit trail: the certificate CN, the token's name, or the workgroup root path. */
  actor: string;
  /** CN of the verified client certificate, if one was presented. */
  certificateName?: string;
  /** The API token used, if any. */
  tokenId?: string;
  /** The workgroup the caller authenticated as (Octopoda's `rootpath`; a token's path; "" for a certificate). */
  rootPath: string;
  /** The workgroup whose members the caller may see and touch (Octopoda's `currentpath`). */
  scopePath: string;
}

export type AuthedRequest = Request & {
  caller?: CallerContext;
  /** The node names the request acts on, as the ScopeGuard found them (for the audit trail). */
  scopeTargets?: string[];
  /** Who a refused caller turned out to be (an expired or revoked token), for the audit trail. */
  presented?: { kind: CallerContext['kind']; actor: string };
};

/** The workgroup whose members the caller may see and touch (the root when no guard ran, e.g. in tests). */
export function scopeOf(request: AuthedRequest): string {
  return request.caller?.scopePath ?? ROOT_PATH;
}

function verifiedCertificateName(request: Request): string | undefined {
  const socket = request.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate?.()?.subject?.CN;
  return cn ? String(cn) : undefined;
}

/** /api/v2 takes only `admin` certificates: a node's own key must not administer the fleet. */
function refuseUnlessAdmin(request: Request, name: string): void {
  const role = roleFromSubject((request.socket as TLSSocket).getPeerCertificate?.()?.subject);
  if (role === 'admin') return;
  const what =
    role === 'node' ? 'a node certificate' : 'a certificate without a role (made before roles existed)';
  throw new ApiError(
    403,
    'certificate_not_admin',
    `"${name}" presented ${what}; /api/v2 accepts only admin certificates ('octl pki client <name> --role admin') or an API token`,
  );
}

/** Deny by default: the one place that decides who may call what. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly workgroups: WorkgroupService,
    private readonly tokens: TokensService,
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
    // Octopoda refuses a current group that does not exist or has no members (the root may be empty).
    if (currentPath !== ROOT_PATH && !(await this.workgroups.membersOf(currentPath))?.length) throw deny();
    request.caller = {
      kind: 'workgroup',
      actor: rootPath || '/',
      certificateName,
      rootPath,
      scopePath: currentPath,
    };
    return true;
  }

  private async api(request: AuthedRequest): Promise<boolean> {
    const certificateName = verifiedCertificateName(request);
    if (certificateName) {
      refuseUnlessAdmin(request, certificateName);
      request.caller = {
        kind: 'certificate',
        actor: certificateName,
        certificateName,
        rootPath: ROOT_PATH,
        scopePath: await this.narrowedScope(request, ROOT_PATH),
      };
      return true;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.header('authorization') ?? '')?.[1];
    if (bearer) {
      const token = await this.tokens.authenticate(bearer).catch((error: unknown) => {
        if (error instanceof TokenRefused) request.presented = { kind: 'token', actor: error.token.name };
        throw error;
      });
      request.caller = {
        kind: 'token',
        actor: token.name,
        tokenId: token.id,
        rootPath: token.path,
        scopePath: await this.narrowedScope(request, token.path),
      };
      return true;
    }
    throw new ApiError(
      401,
      'unauthorized',
      "present a client certificate from this brain's CA or an API token (Authorization: Bearer opt_…; " +
        'get one with `octl login` or POST /api/v2/auth/login)',
    );
  }

  /** `x-workgroup-path` narrows an /api/v2 caller to an existing group at or below the one it authenticated as. */
  private async narrowedScope(request: AuthedRequest, rootPath: string): Promise<string> {
    const header = request.header('x-workgroup-path');
    if (header === undefined) return rootPath;
    const path = normalizePath(header);
    const show = (p: string) => JSON.stringify(p || '/');
    if (!isSameOrSubPath(path, rootPath)) {
      throw new ApiError(
        403,
        'workgroup_outside',
        `x-workgroup-path ${show(path)} is outside your workgroup ${show(rootPath)}`,
      );
    }
    if (!(await this.workgroups.exists(path))) {
      throw new ApiError(403, 'workgroup_not_found', `x-workgroup-path ${show(path)}: no such workgroup`);
    }
    return path;
  }
}
