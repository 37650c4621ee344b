import { createCsr, describeCertificate, isIssuedBy, parseJoinToken } from '@octopod/pki';
import { waitFor } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { createToken, enrol, enrolAs } from './enrol.helper-spec';

const errorOf = (res: { json(): unknown }) => res.json() as { code: string; message: string };

describe('join tokens and enrolment (real HTTPS, Postgres)', () => {
  let t: TestBrain;

  beforeAll(async () => {
    t = await startTestBrain();
  });
  afterAll(() => t.stop());

  it('makes a single-use token that pins the CA fingerprint, and lists it without its secret', async () => {
    const created = await createToken(t, { ttlSeconds: 600, name: 'e-list' });
    const caFingerprint = describeCertificate(t.pki.ca.certPem).fingerprint;
    // What a new node fetches (without any certificate) to check against the fingerprint in its token.
    const ca = await t.api('/api/v2/enrol/ca', { cert: null });
    expect(ca.json()).toEqual({ caCertificate: t.pki.ca.certPem, fingerprint: caFingerprint, enabled: true });
    expect(created).toMatchObject({ name: 'e-list', caFingerprint });
    const parts = parseJoinToken(created.token);
    expect(parts).toMatchObject({ id: created.id, caFingerprint });
    const ttl = Date.parse(created.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);

    // `nodes/tokens` is not taken for a node called "tokens".
    const listed = await t.api('/api/v2/nodes/tokens');
    expect(listed.status).toBe(200);
    const { tokens } = listed.json() as { tokens: Record<string, unknown>[] };
    expect(tokens.find((token) => token.id === created.id)).toEqual({
      id: created.id,
      name: 'e-list',
      createdBy: 'admin',
      createdAt: expect.any(String),
      expiresAt: created.expiresAt,
    });
    expect(listed.text).not.toContain(parts.secret);
  });

  it('defaults to one hour and refuses lifetimes beyond 7 days and bad names', async () => {
    const created = await createToken(t);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(3_590_000);
    expect(created.name).toBeNull();
    const tooLong = await t.api('/api/v2/nodes/tokens', { method: 'POST', body: { ttlSeconds: 8 * 86400 } });
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong).code).toBe('bad_ttl');
    const reserved = await t.api('/api/v2/nodes/tokens', { method: 'POST', body: { name: 'brain' } });
    expect(errorOf(reserved)).toMatchObject({
      code: 'bad_node_name',
      message: expect.stringContaining('brain'),
    });
  });

  it('enrols a node: a node certificate for its name, signed by the CA, that the gateway welcomes', async () => {
    const { token } = await createToken(t);
    const res = await enrolAs(t, token, 'e-1');
    expect(res.status).toBe(201);
    const body = res.json() as { certificate: string; caCertificate: string; name: string; serial: string };
    expect(body.name).toBe('e-1');
    expect(body.caCertificate).toBe(t.pki.ca.certPem);
    expect(describeCertificate(body.certificate)).toMatchObject({ commonName: 'e-1', role: 'node' });
    expect(describeCertificate(body.certificate).serial).toBe(body.serial);
    expect(isIssuedBy(body.certificate, t.pki.ca.certPem)).toBe(true);

    await t.tentacle('e-1', { cert: res.file }).join();
    const audit = await waitFor(async () => {
      const found = await t.api('/api/v2/audit?action=enrol&node=e-1');
      return (found.json() as { items: { targets: string[]; outcome: string }[] }).items[0];
    });
    expect(audit).toMatchObject({ targets: ['e-1'], outcome: 'ok' });
    await waitFor(
      async () => ((await t.api('/api/v2/nodes/e-1')).json() as { state: string }).state === 'online',
    );

    // The token is gone from the list and refused the second time, saying by whom it was used.
    const listed = (await t.api('/api/v2/nodes/tokens')).json() as { tokens: { id: string }[] };
    expect(listed.tokens.map((x) => x.id)).not.toContain(parseJoinToken(token).id);
    const again = await enrolAs(t, token, 'e-1b');
    expect(again.status).toBe(409);
    expect(errorOf(again)).toMatchObject({
      code: 'join_token_used',
      message: expect.stringContaining('already used by node "e-1"'),
    });
  });

  it('lets exactly one of several concurrent enrolments with one token win', async () => {
    const { token } = await createToken(t);
    const results = await Promise.all(
      ['e-c1', 'e-c2', 'e-c3', 'e-c4'].map((name) => enrolAs(t, token, name)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(errorOf(loser).code).toBe('join_token_used');
    }
  });

  it('refuses an unknown token, a wrong secret, a malformed token and one made for another CA', async () => {
    const { token } = await createToken(t);
    const parts = parseJoinToken(token);
    const csr = createCsr('e-u').csrPem;
    const otherId = token.replace(parts.id, '0123456789abcdef');
    const unknown = await enrol(t, { token: otherId, name: 'e-u', csr });
    expect(unknown.status).toBe(401);
    expect(errorOf(unknown)).toMatchObject({
      code: 'join_token_unknown',
      message: expect.stringContaining('unknown join token'),
    });
    const secret = parts.secret.startsWith('A') ? `B${parts.secret.slice(1)}` : `A${parts.secret.slice(1)}`;
    const wrongSecret = await enrol(t, { token: token.replace(parts.secret, secret), name: 'e-u', csr });
    expect(errorOf(wrongSecret).code).toBe('join_token_unknown');
    const malformed = await enrol(t, { token: 'octopod-join1.nope', name: 'e-u', csr });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed)).toMatchObject({
      code: 'bad_join_token',
      message: expect.stringContaining('4 parts'),
    });
    const foreign = await enrol(t, {
      token: token.replace(parts.caFingerprint, 'ab'.repeat(32)),
      name: 'e-u',
      csr,
    });
    expect(foreign.status).toBe(401);
    expect(errorOf(foreign)).toMatchObject({
      code: 'join_token_other_ca',
      message: expect.stringContaining('another brain'),
    });
    // None of these used the token.
    expect((await enrolAs(t, token, 'e-u')).status).toBe(201);
  });

  it('refuses an expired token, saying when it expired', async () => {
    const { token } = await createToken(t, { ttlSeconds: 1 });
    const mismatched = createCsr('someone-else').csrPem;
    // Before expiry this request fails on the CSR (leaving the token unused); after it, on the expiry.
    const expired = await waitFor(async () => {
      const res = await enrol(t, { token, name: 'e-x', csr: mismatched });
      return res.status === 401 ? res : undefined;
    });
    expect(errorOf(expired)).toMatchObject({
      code: 'join_token_expired',
      message: expect.stringMatching(/expired at .*octl node token create/),
    });
    expect((await enrolAs(t, token, 'e-x')).status).toBe(401);
  });

  it('refuses a token bound to another name, and takes it for its own name', async () => {
    const { token } = await createToken(t, { name: 'e-bound' });
    const wrong = await enrolAs(t, token, 'e-other');
    expect(wrong.status).toBe(403);
    expect(errorOf(wrong)).toMatchObject({
      code: 'join_token_wrong_name',
      message: expect.stringContaining('is for node "e-bound", not "e-other"'),
    });
    expect((await enrolAs(t, token, 'e-bound')).status).toBe(201);
  });

  it('refuses a CSR for another name, a bad CSR, and the names "brain" and invalid ones', async () => {
    const { token } = await createToken(t);
    const other = await enrol(t, { token, name: 'e-csr', csr: createCsr('e-not-me').csrPem });
    expect(other.status).toBe(400);
    expect(errorOf(other)).toMatchObject({
      code: 'csr_name_mismatch',
      message: 'the CSR asks for CN "e-not-me", but the node enrols as "e-csr"',
    });
    expect(errorOf(await enrol(t, { token, name: 'e-csr', csr: 'garbage' })).code).toBe('bad_csr');
    expect(errorOf(await enrol(t, { token, name: 'brain', csr: createCsr('brain').csrPem })).code).toBe(
      'reserved_name',
    );
    expect(
      errorOf(await enrol(t, { token, name: 'no spaces', csr: createCsr('no spaces').csrPem })).code,
    ).toBe('bad_node_name');
    expect(errorOf(await t.api('/api/v2/enrol', { method: 'POST', body: { token }, cert: null })).code).toBe(
      'bad_request',
    );
    expect((await enrolAs(t, token, 'e-csr')).status).toBe(201);
  });

  it("refuses an unbound token for an existing node's name, and takes a token made for that name", async () => {
    t.pki.client('e-existing');
    await t.tentacle('e-existing').join();
    await waitFor(async () => (await t.api('/api/v2/nodes/e-existing')).status === 200);
    const { token } = await createToken(t);
    const taken = await enrolAs(t, token, 'e-existing');
    expect(taken.status).toBe(409);
    expect(errorOf(taken)).toMatchObject({
      code: 'node_name_taken',
      message: expect.stringContaining('--name e-existing'),
    });
    const bound = await createToken(t, { name: 'e-existing' });
    expect((await enrolAs(t, bound.token, 'e-existing')).status).toBe(201);
  });

  it('needs root administration to make or list tokens: a node certificate is refused', async () => {
    t.pki.client('e-node');
    const res = await t.api('/api/v2/nodes/tokens', { method: 'POST', body: {}, cert: 'e-node' });
    expect(res.status).toBe(403);
    expect((await t.api('/api/v2/nodes/tokens', { cert: null })).status).toBe(401);
  });
});

describe('enrolment without a CA key', () => {
  let t: TestBrain;

  beforeAll(async () => {
    t = await startTestBrain({}, { caKey: false });
  });
  afterAll(() => t.stop());

  it('answers 503 enrolment_disabled, saying which setting is missing', async () => {
    const create = await t.api('/api/v2/nodes/tokens', { method: 'POST', body: {} });
    expect(create.status).toBe(503);
    expect(errorOf(create)).toMatchObject({
      code: 'enrolment_disabled',
      message: expect.stringContaining('ssl.caKey'),
    });
    const res = await enrol(t, { token: 'x', name: 'n', csr: 'y' });
    expect(res.status).toBe(503);
    expect((await t.api('/api/v2/enrol/ca', { cert: null })).json()).toMatchObject({ enabled: false });
    expect(errorOf(res).code).toBe('enrolment_disabled');
  });
});
