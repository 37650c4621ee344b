// One spawn at start-up, not in the sampling path the lint rule protects: Node cannot send the datagram itself.
// eslint-disable-next-line no-restricted-imports
import { spawn } from 'node:child_process';

/** What came of telling systemd that start-up is over. */
export type NotifyOutcome = 'not-under-systemd' | 'notified' | 'failed';

/** The part of a child process the helper listens to (a `ChildProcess` fits). */
export interface NotifyChild {
  once(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

export interface SystemdNotifyDeps {
  spawn: (
    command: string,
    args: string[],
    options: { env: NodeJS.ProcessEnv; stdio: 'ignore' },
  ) => NotifyChild;
  /** The main process systemd should track (`--pid`). */
  pid: number;
  /** Why the notification failed; systemd will time the start out, so say it where the journal sees it. */
  warn: (message: string) => void;
}

const defaults: SystemdNotifyDeps = {
  spawn: (command, args, options) => spawn(command, args, options),
  pid: process.pid,
  warn: (message) => process.stderr.write(`${message}\n`),
};

/**
 * Tells systemd this process is ready (`Type=notify` units, with `NotifyAccess=all` since the message comes from a
 * `systemd-notify` child). Does nothing outside systemd (no `NOTIFY_SOCKET`). Never rejects.
 *
 * `NOTIFY_SOCKET` is removed from `env` (give it `process.env`): with `NotifyAccess=all` any process of the unit may
 * post there, and commands a tentacle runs for users must not be able to claim the main PID or stop the service.
 */
export function notifySystemdReady(
  env: NodeJS.ProcessEnv,
  deps: Partial<SystemdNotifyDeps> = {},
): Promise<NotifyOutcome> {
  const { spawn: run, pid, warn } = { ...defaults, ...deps };
  const socket = env.NOTIFY_SOCKET;
  if (!socket) return Promise.resolve('not-under-systemd');
  delete env.NOTIFY_SOCKET;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: NotifyOutcome, problem?: string) => {
      if (settled) return;
      settled = true;
      if (problem) warn(`systemd-notify: ${problem}`);
      resolve(outcome);
    };
    let child: NotifyChild;
    try {
      // systemd-notify waits until systemd has read the message (no --no-block), so it is not lost when it exits.
      child = run('systemd-notify', ['--ready', `--pid=${pid}`], {
        env: { ...env, NOTIFY_SOCKET: socket },
        stdio: 'ignore',
      });
    } catch (error) {
      return settle('failed', `cannot run it: ${(error as Error).message}`);
    }
    child.once('error', (error) => {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      settle('failed', missing ? 'not found in PATH (install systemd, or use Type=simple)' : error.message);
    });
    child.once('exit', (code, signal) => {
      if (code === 0) settle('notified');
      else settle('failed', `exited with ${code === null ? `signal ${signal}` : `code ${code}`}`);
    });
  });
}
