import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { AuditCatalogue } from './audit-catalogue';

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

const READS = new Set(['get', 'head', 'options']);
/** Nest mounts middleware (the request logger, the audit hook) as catch-all routes: they are not endpoints. */
const MIDDLEWARE_PATH = /^\/\{?\*\w+\}?$/;
/** Served by the Swagger UI module, not by controllers; all GETs. */
const DOCS_PATH = /^\/api\/docs/;

/** Every endpoint Express serves, as (METHOD, pattern). */
function registeredRoutes(t: TestBrain): Array<{ method: string; path: string }> {
  const express = t.brain.app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  return express.router.stack.flatMap(({ route }) =>
    route && !MIDDLEWARE_PATH.test(route.path)
      ? Object.keys(route.methods).map((m) => ({ method: m.toUpperCase(), path: route.path }))
      : [],
  );
}

describe('audit coverage', () => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain();
  });
  afterAll(() => t.stop());

  it('knows every registered route, with the pattern Express matches', () => {
    const routes = registeredRoutes(t);
    expect(routes.length).toBeGreaterThan(10);
    const catalogue = t.brain.app.get(AuditCatalogue);
    const unknown = routes.filter((r) => !DOCS_PATH.test(r.path) && !catalogue.find(r.method, r.path));
    expect(unknown).toEqual([]);
  });

  it('audits every non-GET route of both faces, even when the call is refused', async () => {
    const mutating = registeredRoutes(t).filter((r) => !READS.has(r.method.toLowerCase()));
    expect(mutating.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/v2/tasks', '/api/v2/auth/login', '/api/v1/run/cmd']),
    );
    const sent = new Map<string, { method: string; path: string }>();
    for (const route of mutating) {
      const correlationId = `cover-${sent.size}`;
      // Path parameters get a dummy value; no credentials, so nothing really happens.
      const url = route.path.replace(/[:*]\w+/g, 'x');
      const res = await t.api(url, {
        method: route.method,
        cert: null,
        headers: { 'x-correlation-id': correlationId, 'content-type': 'application/json' },
        rawBody: '{}',
      });
      expect(res.status, `${route.method} ${route.path}: ${res.text}`).toBeGreaterThanOrEqual(400);
      sent.set(correlationId, route);
    }
    const res = await t.api('/api/v2/audit?limit=500');
    const records = (res.json() as { items: Array<{ correlationId: string; method: string; route: string }> })
      .items;
    const missing = [...sent].filter(
      ([id, route]) =>
        !records.some((r) => r.correlationId === id && r.method === route.method && r.route === route.path),
    );
    expect(missing.map(([, r]) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('audits the GET routes marked as mutating or handing out a password, and no other GET', () => {
    const audited = t.brain.app
      .get(AuditCatalogue)
      .all()
      .filter((r) => r.audited && READS.has(r.method.toLowerCase()))
      .map((r) => `${r.method} ${r.path}`);
    expect(audited).toEqual(
      expect.arrayContaining(['GET /api/v1/node/prune', 'GET /api/v1/ssh', 'GET /api/v2/nodes/:name/ssh']),
    );
    expect(audited).not.toContain('GET /api/v2/nodes');
  });
});
