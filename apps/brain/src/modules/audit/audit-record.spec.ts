import { describe, expect, it } from 'vitest';
import { routePath } from '../../core/http/controller-routes';
import { buildAuditRecord, outcomeOf, type AuditFacts } from './audit-record';
import { parseAuditQuery } from './audit.service';

const base: AuditFacts = {
  at: new Date('2026-11-24T10:00:00Z'),
  correlationId: 'c-1',
  method: 'POST',
  route: '/api/v2/tasks',
  action: 'createTask',
  status: 201,
  completed: true,
};

describe('audit records', () => {
  it('classifies outcomes: refused for 4xx, failed for 5xx and calls cut short', () => {
    expect(outcomeOf(200, true)).toBe('ok');
    expect(outcomeOf(204, true)).toBe('ok');
    expect(outcomeOf(400, true)).toBe('refused');
    expect(outcomeOf(401, true)).toBe('refused');
    expect(outcomeOf(429, true)).toBe('refused');
    expect(outcomeOf(500, true)).toBe('failed');
    expect(outcomeOf(200, false)).toBe('failed');
  });

  it('records an authenticated call with its caller, workgroup and targets', () => {
    const record = buildAuditRecord({
      ...base,
      caller: { kind: 'token', actor: 'alice', tokenId: 'tok_1', rootPath: '/lab', scopePath: '/lab/a' },
      targets: ['pi-1', 'pi-2'],
      params: {},
    });
    expect(record).toEqual({
      at: base.at,
      correlationId: 'c-1',
      face: 'v2',
      actorKind: 'token',
      actor: 'alice',
      workgroup: '/lab/a',
      method: 'POST',
      route: '/api/v2/tasks',
      action: 'createTask',
      targets: ['pi-1', 'pi-2'],
      status: 201,
      outcome: 'ok',
      detail: null,
    });
  });

  it('records what a refused caller presented', () => {
    const anonymous = buildAuditRecord({ ...base, status: 401, error: { code: 'unauthorized' } });
    expect(anonymous).toMatchObject({
      actorKind: 'anonymous',
      actor: 'anonymous',
      workgroup: '',
      outcome: 'refused',
      detail: { error: { code: 'unauthorized' } },
    });
    const stranger = buildAuditRecord({
      ...base,
      status: 401,
      peerCertificate: { name: 'mallory', verified: false },
      claimedWorkgroup: '/lab',
    });
    expect(stranger).toMatchObject({
      actorKind: 'certificate',
      actor: 'mallory (unverified)',
      workgroup: '/lab',
    });
    const expired = buildAuditRecord({ ...base, status: 401, presented: { kind: 'token', actor: 'ci' } });
    expect(expired).toMatchObject({ actorKind: 'token', actor: 'ci' });
  });

  it('bounds what unauthenticated callers can make it store', () => {
    const record = buildAuditRecord({
      ...base,
      status: 401,
      peerCertificate: { name: 'x'.repeat(5000), verified: false },
      claimedWorkgroup: `/${'y'.repeat(5000)}`,
    });
    expect(record.actor.length).toBeLessThanOrEqual(200);
    expect(record.workgroup.length).toBeLessThanOrEqual(200);
  });

  it("lets the handler's note name the actor and add detail", () => {
    const record = buildAuditRecord({
      ...base,
      route: '/api/v2/auth/login',
      note: { actorKind: 'token', actor: 'alice', workgroup: '/lab', detail: { tokenId: 'tok_1' } },
      params: { id: 'x' },
    });
    expect(record).toMatchObject({
      actorKind: 'token',
      actor: 'alice',
      workgroup: '/lab',
      detail: { params: { id: 'x' }, tokenId: 'tok_1' },
    });
  });

  it('tells the faces apart and marks aborted calls', () => {
    const record = buildAuditRecord({ ...base, route: '/api/v1/node/prune', completed: false });
    expect(record).toMatchObject({ face: 'v1', outcome: 'failed', detail: { aborted: true } });
  });
});

describe('route patterns', () => {
  it('joins controller and method paths as Nest does', () => {
    expect(routePath('api/v2/nodes', '')).toBe('/api/v2/nodes');
    expect(routePath('api/v2/nodes', '/')).toBe('/api/v2/nodes');
    expect(routePath('/api/v2/', ':name/status')).toBe('/api/v2/:name/status');
    expect(routePath('', 'healthz')).toBe('/healthz');
    expect(routePath('', '')).toBe('/');
  });
});

describe('audit query', () => {
  it('applies defaults and converts the cursor', () => {
    expect(parseAuditQuery({ before: '42', node: 'pi-1' }, '/lab')).toMatchObject({
      within: '/lab',
      limit: 50,
      before: 42n,
      node: 'pi-1',
    });
  });

  it.each([
    [{ limit: '0' }, /limit/],
    [{ limit: '501' }, /limit/],
    [{ before: 'abc' }, /before/],
    [{ since: 'yesterday' }, /since/],
    [{ outcome: 'maybe' }, /outcome/],
    [{ actor: ['a', 'b'] }, /actor may be given once/],
  ])('refuses %j', (query, message) => {
    expect(() => parseAuditQuery(query as never, '')).toThrow(message);
  });
});
