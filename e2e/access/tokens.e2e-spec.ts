import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack';

interface AuditItem {
  actor: string;
  actorKind: string;
  action: string;
  outcome: string;
  status: number;
  workgroup: string;
  detail: { error?: { code?: string } } | null;
}

/** octl with an API token and no client certificate, over real processes. */
describe('API tokens and the audit trail through octl', () => {
  let stack: Stack;
  let tokenConfig: string;
  let tokenFile: string;
  const asUser = (args: string[], input?: string) => stack.octl(args, { config: tokenConfig, input });

  beforeAll(async () => {
    stack = await startStack({ tentacles: ['node-1'] });
    tokenFile = join(stack.dir, 'user', 'token.json');
    // The user has the CA (to trust the brain) and nothing else: no client certificate, no password on disk.
    tokenConfig = stack.userOctlConfig('user');
  });
  afterAll(() => stack?.stop());

  it('needs a login first, then works with the token alone', async () => {
    const before = await asUser(['node', 'get']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('run `octl login`');

    const wrong = await asUser(['login', '--path', '/', '--password-stdin'], 'not-the-password\n');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('octl: wrong workgroup path or password\n');

    const login = await asUser(
      ['login', '--path', '/', '--name', 'e2e-user', '--ttl', '1h', '--password-stdin'],
      `${stack.rootPassword}\n`,
    );
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ name: 'e2e-user', path: '/', tokenFile });
    expect(login.stdout).not.toContain('opt_');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);

    const nodes = await asUser(['node', 'get', 'node-1', '-o', 'json']);
    expect(nodes.code, nodes.stderr).toBe(0);
    expect((JSON.parse(nodes.stdout) as { nodes: Array<{ name: string }> }).nodes.map((n) => n.name)).toEqual(
      ['node-1'],
    );
  });

  it('stops working at once when the token is revoked, saying so', async () => {
    const list = await asUser(['token', 'ls', '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    const mine = (
      JSON.parse(list.stdout) as { items: Array<{ id: string; name: string; state: string }> }
    ).items.find((t) => t.name === 'e2e-user');
    expect(mine).toMatchObject({ state: 'active' });

    // The administrator (client certificate) revokes it.
    const revoke = await stack.octl(['token', 'revoke', mine!.id, '-o', 'json']);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(JSON.parse(revoke.stdout)).toMatchObject({ id: mine!.id, state: 'revoked' });

    const after = await asUser(['node', 'get', 'node-1']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(
      /^octl: API token "e2e-user" \(tok_\w+\) was revoked at .*: log in again\n$/,
    );
  });

  it('octl audit shows the calls: the login, the token’s own calls, the revocation and the refusal', async () => {
    const run = await stack.octl(['audit', '--since', '10m', '-n', '100']);
    expect(run.code, run.stderr).toBe(0);
    const items = (JSON.parse(run.stdout) as { items: AuditItem[] }).items;
    const find = (check: (r: AuditItem) => boolean, what: string) => {
      const found = items.find(check);
      expect(found, `${what} in ${JSON.stringify(items, null, 1)}`).toBeDefined();
      return found;
    };
    find(
      (r) => r.action === 'login' && r.outcome === 'refused' && r.actorKind === 'anonymous',
      'failed login',
    );
    find((r) => r.action === 'login' && r.outcome === 'ok' && r.actor === 'e2e-user', 'login');
    find((r) => r.action === 'resolveNodes' && r.outcome === 'ok' && r.actor === 'e2e-user', 'token call');
    find((r) => r.action === 'revokeToken' && r.outcome === 'ok' && r.actor === 'admin', 'revocation');
    // `node get node-1` lists and resolves at once; whichever is refused first ends octl and may cut the other
    // short (recorded as aborted, or not at all for the read), so the refusal is looked for on either call.
    const refused = find(
      (r) =>
        ['listNodes', 'resolveNodes'].includes(r.action) && r.outcome === 'refused' && r.actor === 'e2e-user',
      'refused call',
    );
    expect(refused).toMatchObject({ status: 401, detail: { error: { code: 'token_revoked' } } });

    const filtered = await stack.octl([
      'audit',
      '--actor',
      'e2e-user',
      '--outcome',
      'refused',
      '-o',
      'table',
    ]);
    expect(filtered.code, filtered.stderr).toBe(0);
    const [head, ...rows] = filtered.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^TIME\s+WHO\s+WORKGROUP\s+ACTION\s+TARGETS\s+RESULT$/);
    expect(rows.length).toBeGreaterThan(0);
    expect(
      rows.every((row) => /e2e-user \(token\)/.test(row) && /refused 401 token_revoked$/.test(row)),
    ).toBe(true);
  });
});
