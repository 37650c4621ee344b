import { execFile } from 'node:child_process';

/** A git command that failed, with what git said. */
export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')}: ${stderr.trim().split('\n').at(-1) || 'failed'}`);
    this.name = 'GitError';
  }
}

/** The identity nodeapp commits are made with (Octopoda used "Octopoda"). */
export const AUTHOR = { name: 'Octopod', email: 'octopod@localhost' };

/** Runs git in `dir` with a fixed identity and no user or system config; answers stdout. */
export function git(dir: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [
        '-c',
        `user.name=${AUTHOR.name}`,
        '-c',
        `user.email=${AUTHOR.email}`,
        '-c',
        'core.autocrlf=false',
        ...args,
      ],
      {
        cwd: dir,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
      (error, stdout, stderr) =>
        error ? reject(new GitError(args, stderr || error.message)) : resolve(stdout),
    );
  });
}
