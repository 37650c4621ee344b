import { spawn } from 'node:child_process';

/** Output kept for an error message. */
const TAIL_BYTES = 2000;

/** Runs `command` (no shell); resolves when it exits 0, rejects with its exit and the end of its output otherwise. */
export function runCommand(command: readonly string[], timeoutMs: number): Promise<void> {
  const shown = command.join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-TAIL_BYTES);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run "${shown}": ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const how = signal === 'SIGKILL' ? `was killed after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
      const tail = output.trim();
      reject(new Error(`"${shown}" ${how}${tail ? `: ${tail}` : ''}`));
    });
  });
}
