import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { notifySystemdReady, type SystemdNotifyDeps } from './systemd-notify';

interface Spawned {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  child: EventEmitter;
}

/** A spawn that records its calls and hands back a child the test ends by emitting its events. */
function fakeSpawn() {
  const calls: Spawned[] = [];
  const warnings: string[] = [];
  const deps: Partial<SystemdNotifyDeps> = {
    pid: 4242,
    warn: (message) => warnings.push(message),
    spawn: (command, args, options) => {
      const child = new EventEmitter();
      calls.push({ command, args, env: options.env, child });
      return child;
    },
  };
  return { calls, warnings, deps };
}

describe('notifySystemdReady', () => {
  it('does nothing outside systemd', async () => {
    const { calls, warnings, deps } = fakeSpawn();
    await expect(notifySystemdReady({ PATH: '/usr/bin' }, deps)).resolves.toBe('not-under-systemd');
    expect(calls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('runs systemd-notify --ready with the main pid and the socket, and keeps the socket from later children', async () => {
    const { calls, warnings, deps } = fakeSpawn();
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', NOTIFY_SOCKET: '/run/systemd/notify' };
    const outcome = notifySystemdReady(env, deps);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call.command).toBe('systemd-notify');
    expect(call.args).toEqual(['--ready', '--pid=4242']);
    expect(call.env).toEqual({ PATH: '/usr/bin', NOTIFY_SOCKET: '/run/systemd/notify' });
    // What the process hands its own children from now on has no socket.
    expect(env).toEqual({ PATH: '/usr/bin' });
    call.child.emit('exit', 0, null);
    await expect(outcome).resolves.toBe('notified');
    expect(warnings).toEqual([]);
  });

  it('reports a failing systemd-notify once, even when exit follows the error', async () => {
    const { calls, warnings, deps } = fakeSpawn();
    const outcome = notifySystemdReady({ NOTIFY_SOCKET: '@notify' }, deps);
    const error = Object.assign(new Error('spawn systemd-notify ENOENT'), { code: 'ENOENT' });
    calls[0].child.emit('error', error);
    calls[0].child.emit('exit', -2, null);
    await expect(outcome).resolves.toBe('failed');
    expect(warnings).toEqual(['systemd-notify: not found in PATH (install systemd, or use Type=simple)']);
  });

  it('reports a non-zero exit and a signal', async () => {
    const { calls, warnings, deps } = fakeSpawn();
    const byCode = notifySystemdReady({ NOTIFY_SOCKET: '/run/x' }, deps);
    calls[0].child.emit('exit', 1, null);
    const bySignal = notifySystemdReady({ NOTIFY_SOCKET: '/run/x' }, deps);
    calls[1].child.emit('exit', null, 'SIGKILL');
    await expect(byCode).resolves.toBe('failed');
    await expect(bySignal).resolves.toBe('failed');
    expect(warnings).toEqual([
      'systemd-notify: exited with code 1',
      'systemd-notify: exited with signal SIGKILL',
    ]);
  });

  it('does not throw when the process cannot be spawned at all', async () => {
    const warnings: string[] = [];
    const outcome = notifySystemdReady(
      { NOTIFY_SOCKET: '/run/x' },
      {
        warn: (message) => warnings.push(message),
        spawn: () => {
          throw new Error('EAGAIN');
        },
      },
    );
    await expect(outcome).resolves.toBe('failed');
    expect(warnings).toEqual(['systemd-notify: cannot run it: EAGAIN']);
  });
});
