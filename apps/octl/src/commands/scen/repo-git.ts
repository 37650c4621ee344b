import { execFile } from 'node:child_process';
import type { GitServer } from '../../config';
import { OctlError } from '../../errors';

/** Who `scen repo push` commits as (Octopoda's go-git push did not say). */
export const COMMITTER = { name: 'Octopod octl', email: 'octl@octopod.invalid' };

/** A git command that failed: its arguments and what it printed on stderr. */
export class GitFailure extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`git ${args[0]} failed`);
    this.name = 'GitFailure';
  }
}

/** `<git.serveUrl>/<user>/<scen>.git`, never with credentials in it (it ends up in .git/config). */
export function repoUrl(server: GitServer, user: string, scenario: string): string {
  return `${server.serveUrl}/${encodeURIComponent(user)}/${encodeURIComponent(scenario)}.git`;
}

/** `Authorization: Basic …` for octl.yaml's credentials; none without a user name. */
function authorization(server: GitServer): string | undefined {
  if (!server.username) return undefined;
  const token = Buffer.from(`${server.username}:${server.password}`).toString('base64');
  return `Authorization: Basic ${token}`;
}

/**
 * The environment git runs in: no user or system config (identity, credential helpers, hooks paths, url rewrites
 * stay out), no prompts, English messages (they are classified below), none of the caller's GIT_* variables but
 * the TLS ones. The credentials travel as config in the environment (GIT_CONFIG_COUNT), which other users cannot
 * read, rather than in argv or a URL, and only for URLs under git.serveUrl.
 */
export function gitEnv(server: GitServer | undefined, inherited: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.entries(inherited).filter(
    ([name]) => (!name.startsWith('GIT_') || name.startsWith('GIT_SSL_')) && name !== 'SSH_ASKPASS',
  );
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(kept),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
  const header = server && authorization(server);
  if (server && header) {
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = `http.${server.serveUrl}/.extraHeader`;
    env.GIT_CONFIG_VALUE_0 = header;
  }
  return env;
}

/** Runs git in `cwd` with octl's identity; `server` adds its credentials. Answers stdout. */
export function runGit(cwd: string, args: readonly string[], server?: GitServer): Promise<string> {
  const identity = ['-c', `user.name=${COMMITTER.name}`, '-c', `user.email=${COMMITTER.email}`];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...identity, ...args],
      { cwd, env: gitEnv(server, process.env), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          missing
            ? new OctlError('git is not installed (octl runs the system git)')
            : new GitFailure(args, stderr),
        );
      },
    );
  });
}

/** Replaces the password, and the basic token made from it, wherever they appear. */
export function redact(text: string, server: GitServer): string {
  const secrets = [server.password, authorization(server)?.replace('Authorization: Basic ', '')];
  return secrets.reduce<string>((out, secret) => (secret ? out.split(secret).join('***') : out), text);
}

/** The line of git's stderr that says what went wrong. */
function reasonOf(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1) ?? 'no message';
}

/**
 * One clear sentence for a failed git command that talked to the server (`what`: "clone demo", "push demo"),
 * never with the password in it.
 */
export function describeFailure(
  failure: GitFailure,
  what: string,
  url: string,
  server: GitServer,
): OctlError {
  const stderr = failure.stderr;
  const fix = `check git.username and git.password in ${server.file}`;
  let message: string;
  if (
    /terminal prompts disabled|could not read (Username|Password)|Authentication failed|error: 401/.test(
      stderr,
    )
  ) {
    message = server.username
      ? `the git server refused user "${server.username}": ${fix}`
      : `the git server wants credentials: set git.username and git.password in ${server.file}`;
  } else if (/error: 403/.test(stderr)) {
    message = `the git server does not let user "${server.username}" do this (403)`;
  } else if (/repository '.*' not found|error: 404/.test(stderr)) {
    message = `repository ${url} does not exist on the git server (create it there first)`;
  } else if (
    /Failed to connect|Could not resolve host|Couldn't connect|Connection refused|timed out/.test(stderr)
  ) {
    message = `cannot reach the git server at ${server.serveUrl}: ${reasonOf(stderr)}`;
  } else if (/\[rejected\]|non-fast-forward|fetch first/.test(stderr)) {
    message = `the server has commits this folder lacks: clone ${url} again, or pull and merge them, then push`;
  } else {
    message = `git ${failure.args[0]}: ${reasonOf(stderr)}`;
  }
  return new OctlError(redact(`cannot ${what}: ${message}`, server));
}
