import { spawn } from 'node:child_process';
import type { SshHost } from '../../context';
import { OctlError } from '../../errors';

/**
 * The real process's ssh parts: the system `ssh` on this terminal, and this octl (node + its script) with the
 * octl.yaml it found, for ssh's ProxyCommand.
 */
export function processSshHost(configPath: () => string): Pick<SshHost, 'runSsh' | 'octlCommand' | 'stdout'> {
  return {
    stdout: process.stdout,
    octlCommand: (args) => [process.execPath, process.argv[1], '-c', configPath(), ...args],
    runSsh: (args, env) =>
      new Promise((resolve, reject) => {
        const child = spawn('ssh', args, { stdio: 'inherit', env: { ...process.env, ...env } });
        child.once('error', (error: NodeJS.ErrnoException) =>
          reject(
            new OctlError(
              error.code === 'ENOENT'
                ? 'ssh not found: install an OpenSSH client (apt install openssh-client)'
                : error.message,
            ),
          ),
        );
        child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      }),
  };
}
