// `octl scen repo clone|push` against a real git HTTP server (git http-backend behind basic auth) and real git.
import { makeTempDir, startGitHttpServer, type GitHttpServer, type GitRepo } from '@octopod/testing';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runOctl } from '../../cli';

const EXAMPLE = resolve(__dirname, '../../../../../examples/helloWorld');
const PASSWORD = 'Pa55-w0rd!';
const TOKEN = Buffer.from(`alice:${PASSWORD}`).toString('base64');

let tmp: ReturnType<typeof makeTempDir>;
let server: GitHttpServer;
let repo: GitRepo;
/** Where the scenario is written and pushed from, and where it is cloned to. */
let author: string;
let reader: string;

beforeEach(async () => {
  tmp = makeTempDir('octopod-octl-repo-');
  server = await startGitHttpServer({ users: { alice: PASSWORD, bob: 'bobs-password' } });
  repo = await server.createRepo('alice', 'helloWorld');
  author = join(tmp.path, 'author');
  reader = join(tmp.path, 'reader');
  mkdirSync(author);
  mkdirSync(reader);
  cpSync(EXAMPLE, join(author, 'helloWorld'), { recursive: true });
});
afterEach(async () => {
  await server.close();
  tmp.remove();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function writeConfig(git: object | undefined, name = 'octl.yaml'): string {
  const path = join(tmp.path, name);
  writeFileSync(path, stringify({ ssl: { caCert: 'ca.pem' }, ...(git ? { git } : {}) }));
  return path;
}

const aliceConfig = (password = PASSWORD): string =>
  writeConfig({ serveUrl: `${server.url}/`, username: 'alice', password });

async function octl(cwd: string, argv: string[], config = aliceConfig()): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runOctl(['--config', config, ...argv], {
    stdout: { write: (t: string) => (stdout += t), isTTY: true },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd,
    home: join(tmp.path, 'home'),
  });
  return { code, stdout, stderr };
}

/** Every file under `dir` but .git: relative path → content and whether it is executable. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(path);
      else {
        const executable = (statSync(path).mode & 0o100) !== 0 ? ' (x)' : '';
        files[relative(dir, path) + executable] = readFileSync(path, 'utf8');
      }
    }
  };
  walk(dir);
  return files;
}

const gitIn = (gitDir: string, args: string[]): string =>
  execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();

/** The server's history of main: "<author> | <subject>", newest first. */
const serverLog = (): string[] => gitIn(repo.path, ['log', '--format=%an | %s', 'main']).split('\n');

describe('octl scen repo push, then clone', () => {
  it('pushes a plain scenario folder as one commit and clones the same files elsewhere', async () => {
    const push = await octl(author, ['scen', 'repo', 'push', 'helloWorld']);
    expect(push).toEqual({ code: 0, stdout: 'PUSH REMOTE DONE!\n', stderr: '' });
    expect(serverLog()).toEqual(['Octopod octl | default msg']);
    const gitConfig = readFileSync(join(author, 'helloWorld', '.git', 'config'), 'utf8');
    expect(gitConfig).toContain(`url = ${repo.url}\n`);
    expect(gitConfig).not.toContain(PASSWORD);
    expect(gitConfig).not.toContain(TOKEN);

    const clone = await octl(reader, ['scen', 'repo', 'clone', 'helloWorld']);
    expect(clone).toEqual({ code: 0, stdout: 'CLONE DONE!\n', stderr: '' });
    const cloned = tree(join(reader, 'helloWorld'));
    expect(cloned).toEqual(tree(EXAMPLE));
    expect(Object.keys(cloned)).toContain('hello/scripts/start.sh (x)');
    expect(readFileSync(join(reader, 'helloWorld', '.git', 'config'), 'utf8')).not.toContain(PASSWORD);
  });

  it('pushes again without a commit when nothing changed, and with one when something did', async () => {
    expect((await octl(author, ['scen', 'repo', 'push', 'helloWorld'])).code).toBe(0);
    const again = await octl(author, ['-o', 'json', 'scen', 'repo', 'push', 'helloWorld']);
    expect(again.code).toBe(0);
    const first = gitIn(repo.path, ['rev-parse', 'main']);
    expect(JSON.parse(again.stdout)).toEqual({
      scenario: 'helloWorld',
      url: repo.url,
      path: join(author, 'helloWorld'),
      branch: 'main',
      commit: first,
      committed: false,
    });
    expect(serverLog()).toHaveLength(1);

    writeFileSync(join(author, 'helloWorld', 'hello', 'src', 'README.md'), 'changed\n');
    const changed = await octl(author, ['scen', 'repo', 'push', 'helloWorld']);
    expect(changed).toEqual({ code: 0, stdout: 'PUSH REMOTE DONE!\n', stderr: '' });
    expect(serverLog()).toEqual(['Octopod octl | default msg', 'Octopod octl | default msg']);
    expect(gitIn(repo.path, ['show', 'main:hello/src/README.md'])).toBe('changed');
  });

  it('clones and pushes another user’s repository with -u, as octl.yaml’s user', async () => {
    const bobs = await server.createRepo('bob', 'helloWorld');
    expect((await octl(author, ['scen', 'repo', 'push', 'helloWorld', '-u', 'bob'])).code).toBe(0);
    expect(gitIn(bobs.path, ['log', '--format=%s', 'main'])).toBe('default msg');
    expect(gitIn(repo.path, ['for-each-ref'])).toBe(''); // alice's stays empty

    const clone = await octl(reader, ['scen', 'repo', 'clone', '--user', 'bob', 'helloWorld']);
    expect(clone).toEqual({ code: 0, stdout: 'CLONE DONE!\n', stderr: '' });
    expect(tree(join(reader, 'helloWorld'))).toEqual(tree(EXAMPLE));
  });
});

describe('octl scen repo failures', () => {
  it('says the server refused the credentials, without ever printing the password', async () => {
    const config = aliceConfig('wrong-Pa55');
    const push = await octl(author, ['scen', 'repo', 'push', 'helloWorld'], config);
    const clone = await octl(reader, ['scen', 'repo', 'clone', 'helloWorld'], config);
    for (const [verb, run] of [
      ['push', push],
      ['clone', clone],
    ] as const) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `octl: cannot ${verb} helloWorld: the git server refused user "alice": check git.username and git.password in ${config}\n`,
      );
    }
    expect(readdirSync(reader)).toEqual([]);
    expect(gitIn(repo.path, ['for-each-ref'])).toBe('');
  });

  it('says which repository does not exist on the server', async () => {
    const run = await octl(author, ['scen', 'repo', 'push', 'helloWorld', '-u', 'carol']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `octl: cannot push helloWorld: repository ${server.url}/carol/helloWorld.git does not exist on the git server (create it there first)\n`,
    );
  });

  it('says when the server cannot be reached', async () => {
    const url = server.url;
    await server.close();
    const run = await octl(reader, ['scen', 'repo', 'clone', 'helloWorld']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^octl: cannot clone helloWorld: cannot reach the git server at ${url}: .*\\n$`),
    );
    expect(run.stderr).not.toContain(PASSWORD);
  });

  it('refuses to clone into an existing folder, leaving it alone', async () => {
    const run = await octl(author, ['scen', 'repo', 'clone', 'helloWorld']);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: `octl: cannot clone helloWorld: ${join(author, 'helloWorld')} already exists\n`,
    });
    expect(tree(join(author, 'helloWorld'))).toEqual(tree(EXAMPLE));
  });

  it('refuses to push what is not a scenario folder', async () => {
    mkdirSync(join(author, 'empty'));
    writeFileSync(join(author, 'file'), 'x');
    const cases: [string, string][] = [
      ['missing', `${join(author, 'missing')} does not exist`],
      ['file', `${join(author, 'file')} is not a directory`],
      ['empty', `${join(author, 'empty')} is not a scenario folder (no deployment.yaml)`],
      ['../x', 'scenario name "../x" is not a plain name (letters, digits, ".", "_", "-")'],
    ];
    for (const [scenario, message] of cases) {
      const run = await octl(author, ['scen', 'repo', 'push', scenario]);
      expect(run.stderr).toBe(
        message.startsWith('scenario') ? `octl: ${message}\n` : `octl: cannot push ${scenario}: ${message}\n`,
      );
      expect(run.code).toBe(1);
    }
  });

  it('names the config file when its git section is missing, before touching the folder', async () => {
    const config = writeConfig(undefined, 'no-git.yaml');
    const failed = { code: 1, stdout: '', stderr: `octl: git.serveUrl is not set in ${config}\n` };
    expect(await octl(reader, ['scen', 'repo', 'clone', 'helloWorld'], config)).toEqual(failed);
    expect(await octl(author, ['scen', 'repo', 'push', 'helloWorld'], config)).toEqual(failed);
    expect(readdirSync(join(author, 'helloWorld'))).not.toContain('.git');
  });

  it('asks for a user when neither -u nor git.username is given', async () => {
    const config = writeConfig({ serveUrl: server.url }, 'anonymous.yaml');
    const run = await octl(reader, ['scen', 'repo', 'clone', 'helloWorld'], config);
    expect(run.stderr).toBe(`octl: whose repository? pass -u <user> or set git.username in ${config}\n`);
    expect(run.code).toBe(1);
  });
});

describe('octl scen repo --help', () => {
  it('shows the syntax, the URL and the credentials section', async () => {
    for (const verb of ['clone', 'push']) {
      const run = await octl(author, ['scen', 'repo', verb, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: octl scen repo ${verb} [options] <scen>`);
      expect(run.stdout).toContain('-u, --user <user>');
      expect(run.stdout).toContain('<git.serveUrl>/<user>/<scen>.git');
    }
  });
});
