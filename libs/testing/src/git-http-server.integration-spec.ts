// The test git server against the real git client: clone, push, basic auth, missing repositories.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHttpServer, type GitHttpServer } from './git-http-server';
import { makeTempDir } from './temp';

let tmp: ReturnType<typeof makeTempDir>;
const servers: GitHttpServer[] = [];
beforeEach(() => {
  tmp = makeTempDir('octopod-git-server-');
});
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
  tmp.remove();
});

async function start(users?: Record<string, string>): Promise<GitHttpServer> {
  const server = await startGitHttpServer({ users });
  servers.push(server);
  return server;
}

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

function git(cwd: string, args: string[], extraHeader?: string): Promise<GitRun> {
  const auth = extraHeader ? ['-c', `http.extraHeader=${extraHeader}`] : [];
  const identity = ['-c', 'user.name=Test', '-c', 'user.email=test@localhost'];
  const env = {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    LC_ALL: 'C',
  };
  return new Promise((resolve) => {
    execFile('git', [...identity, ...auth, ...args], { cwd, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const basic = (user: string, password: string): string =>
  `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A work tree with one commit of `a.txt`. */
async function workTree(name: string, content: string): Promise<string> {
  const dir = join(tmp.path, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.txt'), content);
  expect((await git(dir, ['init', '-q', '-b', 'main'])).code).toBe(0);
  expect((await git(dir, ['add', '-A'])).code).toBe(0);
  expect((await git(dir, ['commit', '-q', '-m', 'first'])).code).toBe(0);
  return dir;
}

describe('startGitHttpServer', () => {
  it('takes a push into a created repository and serves it to a clone', async () => {
    const server = await start();
    const repo = await server.createRepo('alice', 'demo');
    expect(repo).toEqual({
      url: `${server.url}/alice/demo.git`,
      path: join(server.root, 'alice', 'demo.git'),
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const dir = await workTree('src', 'hello\n');
    const push = await git(dir, ['push', repo.url, 'HEAD:main']);
    expect(push.stderr).toContain('[new branch]');
    expect(push.code).toBe(0);

    const clone = await git(tmp.path, ['clone', '-q', repo.url, 'copy']);
    expect(clone.code).toBe(0);
    expect(readFileSync(join(tmp.path, 'copy', 'a.txt'), 'utf8')).toBe('hello\n');
  });

  it('streams request bodies larger than git buffers (chunked pushes) both ways', async () => {
    const server = await start();
    const repo = await server.createRepo('alice', 'big');
    const big = randomBytes(3 * 1024 * 1024).toString('base64');
    const dir = await workTree('src', big);
    expect((await git(dir, ['push', repo.url, 'HEAD:main'])).code).toBe(0);
    expect((await git(tmp.path, ['clone', '-q', repo.url, 'copy'])).code).toBe(0);
    expect(readFileSync(join(tmp.path, 'copy', 'a.txt'), 'utf8')).toBe(big);
  });

  it('answers 404 for a repository nobody created, also to a push', async () => {
    const server = await start();
    const dir = await workTree('src', 'x');
    const push = await git(dir, ['push', `${server.url}/alice/missing.git`, 'HEAD:main']);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/repository '.*\/alice\/missing\.git\/' not found/);
  });

  it('with users, refuses missing or wrong credentials with 401 and a basic challenge', async () => {
    const server = await start({ alice: 's3cret' });
    const repo = await server.createRepo('alice', 'demo');
    const anonymous = await fetch(`${repo.url}/info/refs?service=git-upload-pack`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="git"');

    const dir = await workTree('src', 'x');
    const wrong = await git(dir, ['push', repo.url, 'HEAD:main'], basic('alice', 'nope'));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/could not read Username|Authentication failed/);

    const right = await git(dir, ['push', repo.url, 'HEAD:main'], basic('alice', 's3cret'));
    expect(right.code).toBe(0);
    const clone = await git(tmp.path, ['clone', '-q', repo.url, 'copy'], basic('alice', 's3cret'));
    expect(clone.code).toBe(0);
  });

  it('keeps a given root and removes its own temporary one on close', async () => {
    const root = join(tmp.path, 'repos');
    const given = await startGitHttpServer({ root });
    await given.createRepo('bob', 'kept');
    await given.close();
    expect(readFileSync(join(root, 'bob', 'kept.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');

    const own = await startGitHttpServer();
    await own.createRepo('bob', 'gone');
    await own.close();
    expect(() => readFileSync(join(own.root, 'bob', 'gone.git', 'HEAD'))).toThrow(/ENOENT/);
    await expect(fetch(`${own.url}/bob/gone.git/info/refs`)).rejects.toThrow();
  });
});
