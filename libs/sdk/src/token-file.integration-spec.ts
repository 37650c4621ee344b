import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTokenFile, removeTokenFile, writeTokenFile } from './token-file';

const dir = mkdtempSync(join(tmpdir(), 'octopod-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('token file', () => {
  it('is written for its owner only, replaced whole, and read back', async () => {
    const path = join(dir, 'nested', 'brain.json');
    const saved = {
      token: 'opt_a',
      id: 'tok_1',
      name: 'me',
      path: '/lab',
      expiresAt: '2026-01-01T00:00:00.000Z',
    };
    await writeTokenFile(path, saved);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    expect(await readTokenFile(path)).toEqual(saved);
    await writeTokenFile(path, { token: 'opt_b' });
    expect(await readTokenFile(path)).toEqual({ token: 'opt_b' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('takes a file holding only the token, and says when there is none or it is damaged', async () => {
    const plain = join(dir, 'plain');
    writeFileSync(plain, '  opt_plain\n');
    expect(await readTokenFile(plain)).toEqual({ token: 'opt_plain' });
    expect(await readTokenFile(join(dir, 'missing'))).toBeUndefined();
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"token": ');
    await expect(readTokenFile(broken)).rejects.toMatchObject({ code: 'bad_config' });
  });

  it('is removed once', async () => {
    const path = join(dir, 'gone.json');
    await writeTokenFile(path, { token: 'opt_c' });
    expect(await removeTokenFile(path)).toBe(true);
    expect(await removeTokenFile(path)).toBe(false);
    expect(() => readFileSync(path)).toThrow();
  });
});
