import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';

/** One endpoint a controller declares: its HTTP method, the pattern Express matches, and its handler. */
export interface ControllerRoute {
  method: string;
  /** The route pattern as Nest registers it (`/api/v2/tokens/:id`). */
  path: string;
  key: string;
  handler: (...args: never[]) => unknown;
}

/** Joins a controller path and a method path the way Nest's router does. */
export function routePath(controllerPath: string, methodPath: string): string {
  const parts = [controllerPath, methodPath].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  return `/${parts.join('/')}`;
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value : [value ?? '']).map(String);

/** Every endpoint of a controller class, read from Nest's route metadata. */
export function controllerRoutes(controller: Type<unknown>): ControllerRoute[] {
  const routes: ControllerRoute[] = [];
  const prototype = controller.prototype as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[key];
    if (typeof handler !== 'function' || key === 'constructor') continue;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (requestMethod === undefined) continue;
    for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const own of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
        routes.push({
          method: RequestMethod[requestMethod],
          path: routePath(base, own),
          key,
          handler: handler as ControllerRoute['handler'],
        });
      }
    }
  }
  return routes;
}
