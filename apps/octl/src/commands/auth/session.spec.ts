import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAll, readHidden, tokenFileOf, type SecretInput } from './session';

function terminal(): { input: SecretInput & PassThrough; raw: boolean[] } {
  const raw: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: (mode: boolean) => raw.push(mode),
  });
  return { input, raw };
}

describe('reading the password', () => {
  it('reads a line on the terminal without echo, honouring backspace', async () => {
    const { input, raw } = terminal();
    const shown: string[] = [];
    const password = readHidden(input, (t) => shown.push(t), 'Password: ');
    input.write('secx');
    input.write('\u007fret\r');
    expect(await password).toBe('secret');
    expect(shown).toEqual(['Password: ', '\n']);
    expect(raw).toEqual([true, false]);
  });

  it('stops on Ctrl-C', async () => {
    const { input, raw } = terminal();
    const password = readHidden(input, () => undefined, 'Password: ');
    input.write('abc\u0003');
    await expect(password).rejects.toMatchObject({ message: 'cancelled', exitCode: 130 });
    expect(raw).toEqual([true, false]);
  });

  it('asks for --password-stdin when there is no terminal', () => {
    const input = new PassThrough() as SecretInput;
    expect(() => readHidden(input, () => undefined, 'Password: ')).toThrow(/--password-stdin/);
  });

  it('takes all of stdin but the final line break', async () => {
    const input = new PassThrough();
    input.end('pass word\n');
    expect(await readAll(input)).toBe('pass word');
  });
});

describe('token file location', () => {
  it('is octl.yaml auth.tokenFile, else one per brain under the config directory', () => {
    expect(tokenFileOf({ auth: { tokenFile: '/x/t.json' }, brain: { name: 'b' } }, '/home/u')).toBe(
      '/x/t.json',
    );
    expect(tokenFileOf({ auth: {}, brain: { name: 'lab' } }, '/home/u')).toBe(
      '/home/u/.config/octopod/tokens/lab.json',
    );
  });
});
