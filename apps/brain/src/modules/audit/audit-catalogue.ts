import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger/dist/constants';
import { controllerRoutes, type ControllerRoute } from '../../core/http/controller-routes';
import { AUDIT_KEY, type AuditSpec } from './audit.decorator';

/** How one route is audited. */
export interface RouteAudit {
  method: string;
  /** The route pattern as Express registers it (`/api/v2/tokens/:id`). */
  path: string;
  action: string;
  /** Written to the audit trail: every non-GET route, and GET routes marked @Audited (any refused 401/403, too). */
  audited: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
      const controller = wrapper.metatype as Type<unknown> | null;
      if (controller) for (const route of controllerRoutes(controller)) this.add(route);
    }
  }

  find(method: string, path: string): RouteAudit | undefined {
    return this.routes.get(`${method} ${path}`) ?? this.routes.get(`ALL ${path}`);
  }

  all(): RouteAudit[] {
    return [...this.routes.values()];
  }

  private add({ method, path, key, handler }: ControllerRoute): void {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_KEY, handler);
    const operation = this.reflector.get<{ operationId?: string } | undefined>(
      DECORATORS.API_OPERATION,
      handler,
    );
    const face = path.startsWith('/api/v1/') ? 'v1' : 'v2';
    const action = spec?.action ?? operation?.operationId ?? (face === 'v1' ? `v1.${key}` : key);
    const audited = !READ_METHODS.has(method) || spec !== undefined;
    this.routes.set(`${method} ${path}`, { method, path, action, audited });
  }
}
