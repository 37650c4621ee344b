import type { IncomingMessage, ServerResponse } from 'node:http';
import { NameServerError } from '../errors';

/** Which listener a request came in on: HTTPS (mTLS, everything) or plain HTTP (read-only lookups). */
export type Face = 'https' | 'http';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  face: Face;
  method: string;
  /** The path of the request target, without query string, not decoded. */
  path: string;
  query: URLSearchParams;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  faces: readonly Face[];
  handle(ctx: RequestContext): Promise<void> | void;
}

/** Serves paths no route claims (static trees); resolves false when it does not own the path. */
export interface Fallback {
  faces: readonly Face[];
  handle(ctx: RequestContext): Promise<boolean>;
}

export const BOTH_FACES: readonly Face[] = ['https', 'http'];
export const HTTPS_ONLY: readonly Face[] = ['https'];

/** Splits a raw request target into path and query without trusting it to be a URL. */
export function parseTarget(target: string | undefined): { path: string; query: URLSearchParams } {
  const raw = target ?? '/';
  const mark = raw.indexOf('?');
  if (mark < 0) return { path: raw, query: new URLSearchParams() };
  return { path: raw.slice(0, mark), query: new URLSearchParams(raw.slice(mark + 1)) };
}

export function findRoute(
  routes: readonly Route[],
  face: Face,
  method: string,
  path: string,
): Route | undefined {
  return routes.find((route) => route.path === path && route.method === method && route.faces.includes(face));
}

/** Routes first, then fallbacks; anything else is a 404 (also a wrong method, as in Octopoda). */
export function createDispatcher(
  routes: readonly Route[],
  fallbacks: readonly Fallback[],
): (ctx: RequestContext) => Promise<void> {
  return async (ctx) => {
    const route = findRoute(routes, ctx.face, ctx.method, ctx.path);
    if (route) return route.handle(ctx);
    for (const fallback of fallbacks) {
      if (fallback.faces.includes(ctx.face) && (await fallback.handle(ctx))) return;
    }
    throw new NameServerError('not_found', 'not found');
  };
}
