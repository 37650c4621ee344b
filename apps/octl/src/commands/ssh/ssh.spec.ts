import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { OctopodApiError, type SshLogin, type SshTunnel } from '@octopod/sdk';
import { describe, expect, it } from 'vitest';
import type { SshHost } from '../../context';
import { sshArguments, sshLogin } from './login.command';
import { sshProxy } from './proxy.command';
import type { SshApi } from './ssh-api';

const login = (password?: string): SshLogin => ({
  node: 'pi-1',
  username: 'pi',
  hasPassword: Boolean(password),
  port: 10000,
  address: '127.0.0.1:10000',
  createdBy: 'admin',
  createdAt: '2026-11-24T00:00:00.000Z',
  ...(password ? { password } : {}),
});

function fakeApi(stored: SshLogin | undefined, tunnel?: () => Promise<SshTunnel>): SshApi {
  return {
    getSshLogin: async () => {
      if (!stored) throw new OctopodApiError(404, 'no_ssh_login', 'node pi-1 has no ssh login info');
      return stored;
    },
    sshTunnel: tunnel ?? (async () => Promise.reject(new Error('no tunnel'))),
  } as unknown as SshApi;
}

function fakeHost(onSsh: (args: string[], env: Record<string, string>) => number): SshHost {
  return {
    prompts: new PassThrough(),
    octlCommand: (args) => ['/usr/bin/node', '/opt/octopod/octl.js', '-c', '/home/me/my octl.yaml', ...args],
    runSsh: async (args, env) => onSsh(args, env),
  };
}

describe('octl ssh login', () => {
  it('runs ssh through octl ssh proxy, quoting what the shell would split', () => {
    const args = sshArguments(
      'pi-1',
      'pi',
      ['node', '/x/octl.js', '-c', "/a b/it's.yaml", 'ssh', 'proxy', 'pi-1'],
      ['-L', '8080:localhost:80'],
    );
    expect(args).toEqual([
      '-o',
      `ProxyCommand=node /x/octl.js -c '/a b/it'\\''s.yaml' ssh proxy pi-1`,
      '-o',
      'HostKeyAlias=octopod-pi-1',
      '-o',
      'StrictHostKeyChecking=accept-new',
      'pi@pi-1',
      '-L',
      '8080:localhost:80',
    ]);
  });

  it('offers the stored password through SSH_ASKPASS, never on the command line', async () => {
    let answered = '';
    const code = await sshLogin(
      fakeApi(login('s3cret pass')),
      fakeHost((args, env) => {
        expect(args.join(' ')).not.toContain('s3cret');
        expect(env.SSH_ASKPASS_REQUIRE).toBe('force');
        answered = execFileSync(env.SSH_ASKPASS, ['pi@pi-1 password:'], { env: { ...env } }).toString();
        expect(readFileSync(env.SSH_ASKPASS, 'utf8')).not.toContain('s3cret');
        return 0;
      }),
      'pi-1',
      { extra: [] },
    );
    expect([code, answered]).toEqual([0, 's3cret pass\n']);
  });

  it('logs in with keys when no password is stored, and with -u when nothing is stored', async () => {
    const seen: Array<[string, Record<string, string>]> = [];
    const host = fakeHost((args, env) => (seen.push([args.find((a) => a.includes('@')) as string, env]), 3));
    expect(await sshLogin(fakeApi(login()), host, 'pi-1', { extra: [] })).toBe(3);
    expect(await sshLogin(fakeApi(undefined), host, 'pi-1', { user: 'root', extra: [] })).toBe(3);
    expect(seen).toEqual([
      ['pi@pi-1', {}],
      ['root@pi-1', {}],
    ]);
    await expect(sshLogin(fakeApi(undefined), host, 'pi-1', { extra: [] })).rejects.toThrow(/-u <user>/);
  });
});

/**
 * A stand-in for the brain's end of a tunnel, as the SDK hands it over (paused): a banner, then echo; "bye" closes
 * normally, "fail" with the brain's reason.
 */
class FakeTunnel extends EventEmitter {
  bufferedAmount = 0;
  private paused = true;
  private readonly queued: Buffer[] = [];

  constructor() {
    super();
    this.deliver(Buffer.from('SSH-2.0-StandIn\r\n'));
  }

  send(data: Buffer, _options: unknown, done: () => void): void {
    const text = data.toString();
    setImmediate(() => {
      done();
      if (text === 'bye') this.emit('close', 1000, Buffer.from(''));
      else if (text === 'fail') this.emit('close', 4502, Buffer.from('cannot reach sshd at 127.0.0.1:22'));
      else this.deliver(data);
    });
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const data of this.queued.splice(0)) this.emit('message', data);
  }

  close(code: number): void {
    setImmediate(() => this.emit('close', code, Buffer.from('')));
  }

  private deliver(data: Buffer): void {
    if (this.paused) this.queued.push(data);
    else this.emit('message', data);
  }
}

describe('octl ssh proxy', () => {
  const open = async () => new FakeTunnel() as unknown as SshTunnel;

  it('relays stdin and stdout byte for byte, the first bytes included, and ends when the tunnel closes', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const done = sshProxy(fakeApi(login(), open), 'pi-1', { ...fakeHost(() => 0), stdin, stdout });
    stdin.write('hello');
    await new Promise((resolve) => setTimeout(resolve, 20));
    stdin.write('bye');
    await done;
    expect(out).toBe('SSH-2.0-StandIn\r\nhello');
  });

  it("fails with the brain's reason when the tunnel is refused", async () => {
    const stdin = new PassThrough();
    const done = sshProxy(fakeApi(login(), open), 'pi-1', {
      ...fakeHost(() => 0),
      stdin,
      stdout: new PassThrough(),
    });
    stdin.write('fail');
    await expect(done).rejects.toThrow('ssh tunnel to pi-1: cannot reach sshd at 127.0.0.1:22');
  });

  it('ends normally when ssh closes its side', async () => {
    const stdin = new PassThrough();
    const done = sshProxy(fakeApi(login(), open), 'pi-1', {
      ...fakeHost(() => 0),
      stdin,
      stdout: new PassThrough(),
    });
    stdin.end();
    await expect(done).resolves.toBeUndefined();
  });
});
