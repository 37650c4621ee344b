import { describeCertificate, isIssuedBy } from '@octopod/pki';
import { makeTempDir } from '@octopod/testing';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOctl } from '../../cli';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('octopod-octl-pki-');
});
afterEach(() => tmp.remove());

async function octl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runOctl(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd: tmp.path,
    home: tmp.path,
  });
  return { code, stdout, stderr };
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const pem = (name: string): string => readFileSync(join(tmp.path, name), 'utf8');

describe('octl pki', () => {
  it('creates a CA, refuses to overwrite it, and replaces it only with --force', async () => {
    const made = await octl('pki', 'ca', '--dir', tmp.path, '--cn', 'Lab CA', '-o', 'table');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(
      `wrote ${join(tmp.path, 'ca.pem')} (certificate CN=Lab CA, issued by Lab CA`,
    );
    expect(made.stdout).toContain(`wrote ${join(tmp.path, 'ca.key')} (private key, mode 0600)`);
    expect(mode(join(tmp.path, 'ca.key'))).toBe(0o600);
    const first = pem('ca.pem');
    expect(describeCertificate(first)).toMatchObject({ commonName: 'Lab CA', isCa: true });

    const again = await octl('pki', 'ca', '--dir', tmp.path);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: `octl: ${join(tmp.path, 'ca.pem')} already exists; use --force to replace it\n`,
    });
    expect(pem('ca.pem')).toBe(first);

    chmodSync(join(tmp.path, 'ca.key'), 0o644);
    expect((await octl('pki', 'ca', '--dir', tmp.path, '--force')).code).toBe(0);
    expect(pem('ca.pem')).not.toBe(first);
    expect(mode(join(tmp.path, 'ca.key'))).toBe(0o600);
  });

  it('issues server and client certificates signed by the CA, reporting them as JSON', async () => {
    await octl('pki', 'ca', '--dir', tmp.path);
    const server = await octl(
      'pki',
      'server',
      'brain',
      '--dir',
      tmp.path,
      '--host',
      '10.1.2.3',
      '--host',
      'brain.lab',
    );
    expect(server.code).toBe(0);
    const report = JSON.parse(server.stdout);
    expect(report.certificate).toMatchObject({
      path: join(tmp.path, 'brain.pem'),
      commonName: 'brain',
      issuer: 'Octopod CA',
    });
    expect(report.certificate.hosts).toEqual(
      expect.arrayContaining(['octopoda', 'localhost', '127.0.0.1', '10.1.2.3', 'brain.lab']),
    );
    expect(report.key).toEqual({ path: join(tmp.path, 'brain.key'), mode: '0600' });
    expect(isIssuedBy(pem('brain.pem'), pem('ca.pem'))).toBe(true);

    const node = await octl('pki', 'client', 'pi-1', '--dir', tmp.path, '-o', 'table');
    expect(node.code).toBe(0);
    expect(node.stdout).toContain('(certificate CN=pi-1, role node, issued by Octopod CA');
    expect(describeCertificate(pem('pi-1.pem'))).toMatchObject({ commonName: 'pi-1', role: 'node' });
    expect(isIssuedBy(pem('pi-1.pem'), pem('ca.pem'))).toBe(true);
    expect(mode(join(tmp.path, 'pi-1.key'))).toBe(0o600);
    expect((await octl('pki', 'client', 'pi-1', '--dir', tmp.path)).stderr).toContain(
      'pi-1.pem already exists',
    );

    const admin = await octl('pki', 'client', 'ops', '--role', 'admin', '--dir', tmp.path);
    expect(admin.code).toBe(0);
    expect(JSON.parse(admin.stdout).certificate).toMatchObject({ commonName: 'ops', role: 'admin' });
    expect(describeCertificate(pem('ops.pem')).role).toBe('admin');
    const bad = await octl('pki', 'client', 'x', '--role', 'root', '--dir', tmp.path);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Allowed choices are node, admin');
  });

  it('explains a missing CA, a bad name and a missing --dir', async () => {
    expect(await octl('pki', 'client', 'pi-1', '--dir', tmp.path)).toEqual({
      code: 1,
      stdout: '',
      stderr: `octl: no CA in ${tmp.path} (ca.pem and ca.key); create one with: octl pki ca --dir ${tmp.path}\n`,
    });
    writeFileSync(join(tmp.path, 'ca.pem'), 'x');
    expect((await octl('pki', 'server', '../evil', '--dir', tmp.path)).code).toBe(2);
    expect(await octl('pki', 'ca')).toMatchObject({
      code: 2,
      stderr: "octl: required option '--dir <dir>' not specified (see --help)\n",
    });
  });
});
