import { Injectable, RequestMethod, type OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { AUDIT_KEY, type AuditSpec } from './audit.decorator';

/** How one route is audited. */
export interface RouteAudit {
  method: string;
  /** The route pattern as Express registers it (`/api/v2/tokens/:id`). */
  path: string;
  action: string;
  /** Written to the audit trail: every non-GET route, and GET routes marked @Audited. */
  audited: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Joins a controller path and a method path the way Nest's router does. */
export function routePath(controllerPath: string, methodPath: string): string {
  const parts = [controllerPath, methodPath].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value ?? '']).map(String);

/**
 * Every route of the application with its audit rule, read from the controllers once at start-up, so the HTTP
 * hook can tell from a request's matched route pattern whether and how to audit it.
 */
@Injectable()
export class AuditCatalogue implements OnModuleInit {
  private readonly routes = new Map<string, RouteAudit>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const key of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[key];
        if (typeof handler !== 'function' || key === 'constructor') continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (requestMethod === undefined) continue;
        this.add(controller, handler, key, RequestMethod[requestMethod]);
      }
    }
  }

  find(method: string, path: string): RouteAudit | undefined {
    return this.routes.get(`${method} ${path}`) ?? this.routes.get(`ALL ${path}`);
  }

  all(): RouteAudit[] {
    return [...this.routes.values()];
  }

  private add(controller: object, handler: object, key: string, method: string): void {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_KEY, handler as () => void);
    const operation = this.reflector.get<{ operationId?: string } | undefined>(
      DECORATORS.API_OPERATION,
      handler as () => void,
    );
    for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const own of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
        const path = routePath(base, own);
        const face = path.startsWith('/api/v1/') ? 'v1' : 'v2';
        const action = spec?.action ?? operation?.operationId ?? (face === 'v1' ? `v1.${key}` : key);
        const audited = !READ_METHODS.has(method) || spec !== undefined;
        this.routes.set(`${method} ${path}`, { method, path, action, audited });
      }
    }
  }
}
