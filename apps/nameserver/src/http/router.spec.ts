import { describe, expect, it } from 'vitest';
import {
  BOTH_FACES,
  createDispatcher,
  findRoute,
  HTTPS_ONLY,
  parseTarget,
  type RequestContext,
  type Route,
} from './router';

const noop = () => undefined;
const routes: Route[] = [
  { method: 'GET', path: '/ping', faces: BOTH_FACES, handle: noop },
  { method: 'POST', path: '/register', faces: HTTPS_ONLY, handle: noop },
];

describe('parseTarget', () => {
  it('splits path and query without URL normalisation', () => {
    const { path, query } = parseTarget('/query?name=brain.octlFace.request&x=1');
    expect(path).toBe('/query');
    expect(query.get('name')).toBe('brain.octlFace.request');
    expect(parseTarget('//evil.example/ping').path).toBe('//evil.example/ping');
    expect(parseTarget('/release/../x').path).toBe('/release/../x');
    expect(parseTarget(undefined).path).toBe('/');
  });
});

describe('findRoute', () => {
  it('matches method, path and face', () => {
    expect(findRoute(routes, 'http', 'GET', '/ping')).toBe(routes[0]);
    expect(findRoute(routes, 'https', 'POST', '/register')).toBe(routes[1]);
    expect(findRoute(routes, 'http', 'POST', '/register')).toBeUndefined();
    expect(findRoute(routes, 'https', 'GET', '/register')).toBeUndefined();
    expect(findRoute(routes, 'https', 'GET', '/ping/')).toBeUndefined();
  });
});

describe('createDispatcher', () => {
  const ctx = (face: 'http' | 'https', path: string) =>
    ({ face, method: 'GET', path, query: new URLSearchParams() }) as RequestContext;

  it('tries fallbacks of the right face and otherwise throws not_found', async () => {
    const seen: string[] = [];
    const dispatch = createDispatcher(routes, [
      {
        faces: HTTPS_ONLY,
        handle: async (c) => {
          seen.push(c.path);
          return c.path.startsWith('/release/');
        },
      },
    ]);
    await expect(dispatch(ctx('https', '/release/a'))).resolves.toBeUndefined();
    await expect(dispatch(ctx('https', '/nope'))).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(dispatch(ctx('http', '/release/a'))).rejects.toMatchObject({ code: 'not_found' });
    expect(seen).toEqual(['/release/a', '/nope']);
  });
});
