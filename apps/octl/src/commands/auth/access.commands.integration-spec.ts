// octl login / logout / token / audit against in-memory brain operations, with a real token file on disk.
import type { ApiToken, AuditList, LoginRequest, LoginResult } from '@octopod/sdk';
import { OctopodApiError, readTokenFile, writeTokenFile } from '@octopod/sdk';
import { makeTempDir } from '@octopod/testing';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runOctl } from '../../cli';
import type { AccessApi } from '../../context';
import { createSession, type LoginApi } from './session';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const tmp = makeTempDir('octopod-octl-access-');
afterAll(() => tmp.remove());

const token = (id: string, extra: Partial<ApiToken> = {}): ApiToken => ({
  id,
  name: 'alice@laptop',
  path: '/lab',
  state: 'active',
  createdBy: 'login from 127.0.0.1',
  createdAt: '2026-11-24T10:00:00.000Z',
  expiresAt: '2026-11-24T22:00:00.000Z',
  revokedAt: null,
  lastUsedAt: null,
  ...extra,
});

class FakeAccess implements AccessApi, LoginApi {
  logins: LoginRequest[] = [];
  revoked: string[] = [];
  auditQueries: unknown[] = [];
  revokeFails?: OctopodApiError;
  audit: AuditList = { items: [], nextBefore: null };

  async login(body: LoginRequest): Promise<LoginResult> {
    this.logins.push(body);
    if (body.password !== 'lab-secret')
      throw new OctopodApiError(401, 'bad_credentials', 'wrong workgroup path or password');
    return {
      token: 'opt_secret',
      id: 'tok_1',
      name: body.name ?? 'login',
      path: body.path,
      expiresAt: '2026-11-25T00:00:00.000Z',
    };
  }
  async listTokens() {
    return {
      items: [
        token('tok_1', { lastUsedAt: '2026-11-24T11:00:00.000Z' }),
        token('tok_2', { state: 'revoked' }),
      ],
    };
  }
  async revokeToken(id: string): Promise<ApiToken> {
    if (this.revokeFails) throw this.revokeFails;
    this.revoked.push(id);
    return token(id, { state: 'revoked', revokedAt: '2026-11-24T12:00:00.000Z' });
  }
  async listAudit(query?: unknown): Promise<AuditList> {
    this.auditQueries.push(query);
    return this.audit;
  }
}

let brain: FakeAccess;
let tokenFile: string;
let n = 0;
beforeEach(() => {
  brain = new FakeAccess();
  tokenFile = join(tmp.path, `token-${++n}.json`);
});

async function octl(args: string[], options: { stdin?: string; clientCert?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  if (options.stdin !== undefined) stdin.end(options.stdin);
  const session = createSession({
    config: { auth: { tokenFile }, brain: { name: 'brain' }, ssl: { clientCert: options.clientCert } },
    home: tmp.path,
    rootPath: '/lab',
    stdin,
    writePrompt: (t) => (stderr += t),
    anonymous: async () => brain,
  });
  const code = await runOctl(args, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: tmp.path,
    home: tmp.path,
    now: () => NOW,
    session,
    connectAccess: async () => brain,
  });
  return { code, stdout, stderr };
}

describe('octl login', () => {
  it('trades the password from stdin for a token kept 0600 in the token file, never printing it', async () => {
    const run = await octl(['login', '--password-stdin', '--name', 'ci', '--ttl', '7d'], {
      stdin: 'lab-secret\n',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(brain.logins).toEqual([{ path: '/lab', password: 'lab-secret', name: 'ci', ttlSeconds: 604800 }]);
    expect(run.stdout).not.toContain('opt_secret');
    expect(JSON.parse(run.stdout)).toEqual({
      id: 'tok_1',
      name: 'ci',
      path: '/lab',
      expiresAt: '2026-11-25T00:00:00.000Z',
      tokenFile,
    });
    expect(await readTokenFile(tokenFile)).toMatchObject({ token: 'opt_secret', id: 'tok_1', path: '/lab' });
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
  });

  it('logs into another group with --path, and says when a certificate will still be used', async () => {
    const run = await octl(['login', '--path', '/', '--password-stdin', '-o', 'table'], {
      stdin: 'lab-secret',
      clientCert: '/etc/octl/admin.pem',
    });
    expect(run.code).toBe(0);
    expect(brain.logins[0]).toMatchObject({ path: '/', name: expect.stringContaining('@') });
    expect(run.stdout).toBe(
      `logged in to / as "${brain.logins[0].name}" (token tok_1, valid until 2026-11-25T00:00:00.000Z)\ntoken saved in ${tokenFile}\n`,
    );
    expect(run.stderr).toContain('octl.yaml names a client certificate');
  });

  it('reports a wrong password and keeps no token; refuses a bad --ttl before asking', async () => {
    const wrong = await octl(['login', '--password-stdin'], { stdin: 'nope' });
    expect(wrong).toMatchObject({ code: 1, stderr: 'octl: wrong workgroup path or password\n' });
    expect(existsSync(tokenFile)).toBe(false);
    const ttl = await octl(['login', '--ttl', 'forever', '--password-stdin'], { stdin: 'lab-secret' });
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toContain('--ttl must be a span');
    expect(brain.logins).toHaveLength(1);
  });

  it('needs a terminal or --password-stdin', async () => {
    const run = await octl(['login']);
    expect(run).toMatchObject({ code: 2, stderr: expect.stringContaining('--password-stdin') });
  });
});

describe('octl logout', () => {
  it('revokes the saved token and removes the file; a second logout has nothing to do', async () => {
    await writeTokenFile(tokenFile, { token: 'opt_secret', id: 'tok_9' });
    const run = await octl(['logout', '-o', 'table']);
    expect(run.code, run.stderr).toBe(0);
    expect(brain.revoked).toEqual(['tok_9']);
    expect(existsSync(tokenFile)).toBe(false);
    expect(run.stdout).toBe(`logged out: token tok_9 revoked; ${tokenFile} removed\n`);
    expect((await octl(['logout', '-o', 'table'])).stdout).toBe(`not logged in (no token in ${tokenFile})\n`);
  });

  it('drops a token the brain no longer accepts', async () => {
    await writeTokenFile(tokenFile, { token: 'opt_secret', id: 'tok_9' });
    brain.revokeFails = new OctopodApiError(401, 'token_expired', 'expired');
    const run = await octl(['logout']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ loggedOut: true, id: 'tok_9', revoked: false });
    expect(existsSync(tokenFile)).toBe(false);
  });
});

describe('octl token', () => {
  it('lists tokens as a table or JSON', async () => {
    const table = await octl(['token', 'ls', '-o', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+PATH\s+STATE\s+EXPIRES\s+LAST USED$/);
    expect(table.stdout).toMatch(/tok_2\s+alice@laptop\s+\/lab\s+revoked/);
    const json = JSON.parse((await octl(['token', 'ls'])).stdout) as { items: ApiToken[] };
    expect(json.items.map((t) => t.id)).toEqual(['tok_1', 'tok_2']);
  });

  it("revokes by id, and removes the token file when it was octl's own", async () => {
    await writeTokenFile(tokenFile, { token: 'opt_secret', id: 'tok_1' });
    const other = await octl(['token', 'revoke', 'tok_2', '-o', 'table']);
    expect(other.stdout).toMatch(/^revoked tok_2 \("alice@laptop", \/lab\) at /);
    expect(existsSync(tokenFile)).toBe(true);
    const own = await octl(['token', 'revoke', 'tok_1', '-o', 'table']);
    expect(own.stdout).toContain(`it was octl's own: ${tokenFile} removed`);
    expect(existsSync(tokenFile)).toBe(false);
    expect(brain.revoked).toEqual(['tok_2', 'tok_1']);
  });
});

describe('octl audit', () => {
  it('turns --since spans into instants and passes the filters', async () => {
    const run = await octl([
      'audit',
      '--since',
      '1h',
      '--actor',
      'ci',
      '--node',
      'pi-1',
      '--action',
      'createTask',
      '--outcome',
      'refused',
      '-n',
      '20',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(brain.auditQueries).toEqual([
      {
        since: '2026-11-24T11:00:00.000Z',
        until: undefined,
        actor: 'ci',
        action: 'createTask',
        node: 'pi-1',
        outcome: 'refused',
        limit: '20',
        before: undefined,
      },
    ]);
    expect(JSON.parse(run.stdout)).toEqual({ items: [], nextBefore: null });
  });

  it('shows who did what as a table, with the next page', async () => {
    brain.audit = {
      items: [
        {
          id: '7',
          at: '2026-11-24T11:59:00.000Z',
          correlationId: 'c',
          face: 'v2',
          actorKind: 'token',
          actor: 'ci',
          workgroup: '/lab',
          method: 'POST',
          route: '/api/v2/tasks',
          action: 'createTask',
          targets: ['pi-1', 'pi-2'],
          status: 422,
          outcome: 'refused',
          detail: { error: { code: 'unknown_targets' } },
        },
      ],
      nextBefore: '7',
    };
    const run = await octl(['audit', '-o', 'table']);
    const [head, row, more] = run.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^TIME\s+WHO\s+WORKGROUP\s+ACTION\s+TARGETS\s+RESULT$/);
    expect(row).toMatch(/ci \(token\)\s+\/lab\s+createTask\s+pi-1,pi-2\s+refused 422 unknown_targets$/);
    expect(more).toBe('older: octl audit --before 7');
  });

  it('refuses bad flags as usage errors', async () => {
    expect((await octl(['audit', '-n', '0'])).code).toBe(2);
    expect((await octl(['audit', '--outcome', 'maybe'])).code).toBe(2);
    expect((await octl(['audit', '--since', 'whenever'])).stderr).toContain('--since must be a span');
    expect(brain.auditQueries).toEqual([]);
  });
});
