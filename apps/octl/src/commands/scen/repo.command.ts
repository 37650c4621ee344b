import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GitServer } from '../../config';
import type { CliContext } from '../../context';
import { OctlError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { describeFailure, GitFailure, repoUrl, runGit } from './repo-git';

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;
/** The branch of a folder `push` makes a repository, and of a detached HEAD. */
const DEFAULT_BRANCH = 'main';
/** Octopoda's commit message. */
const COMMIT_MESSAGE = 'default msg';

export interface ScenRepoDeps {
  cwd: string;
  /** octl.yaml's git section; throws when git.serveUrl is not set. */
  server(): GitServer;
  output(): OutputSink;
}

interface Target {
  server: GitServer;
  url: string;
  /** ./<scen> */
  dir: string;
}

function checkPlain(kind: 'scenario' | 'user', name: string): void {
  if (!PLAIN_NAME.test(name) || name === '.' || name === '..') {
    throw new OctlError(`${kind} name "${name}" is not a plain name (letters, digits, ".", "_", "-")`);
  }
}

/** The repository is `<git.serveUrl>/<-u, else git.username>/<scen>.git`. */
function repository(deps: ScenRepoDeps, scenario: string, user: string | undefined): Omit<Target, 'dir'> {
  const server = deps.server();
  const owner = user ?? server.username;
  if (!owner) {
    throw new OctlError(`whose repository? pass -u <user> or set git.username in ${server.file}`);
  }
  checkPlain('user', owner);
  return { server, url: repoUrl(server, owner, scenario) };
}

/** Runs `work`, turning what git said about the server into one clear sentence. */
async function talking<T>(target: Target, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GitFailure) throw describeFailure(error, what, target.url, target.server);
    throw error;
  }
}

/** `octl scen repo clone <scen> [-u <user>]`: the repository into ./<scen>, which must not exist. */
export async function scenRepoClone(deps: ScenRepoDeps, scenario: string, user?: string): Promise<void> {
  checkPlain('scenario', scenario);
  const dir = resolve(deps.cwd, scenario);
  if (existsSync(dir)) throw new OctlError(`cannot clone ${scenario}: ${dir} already exists`);
  const target = { ...repository(deps, scenario, user), dir };
  await talking(target, `clone ${scenario}`, () =>
    runGit(deps.cwd, ['clone', '--quiet', '--', target.url, dir], target.server),
  );
  deps.output().print({ data: { scenario, url: target.url, path: dir }, table: () => 'CLONE DONE!' });
}

function checkScenarioFolder(scenario: string, dir: string): void {
  if (!existsSync(dir)) throw new OctlError(`cannot push ${scenario}: ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new OctlError(`cannot push ${scenario}: ${dir} is not a directory`);
  const deployment = join(dir, 'deployment.yaml');
  if (!existsSync(deployment) || !statSync(deployment).isFile()) {
    throw new OctlError(`cannot push ${scenario}: ${dir} is not a scenario folder (no deployment.yaml)`);
  }
}

/** Makes the folder a repository if it is none (git's own, not a parent's) and commits every change. */
async function commitAll(dir: string): Promise<boolean> {
  if (!existsSync(join(dir, '.git'))) {
    await runGit(dir, ['init', '--quiet', `--initial-branch=${DEFAULT_BRANCH}`]);
  }
  await runGit(dir, ['add', '--all']);
  const changed = (await runGit(dir, ['status', '--porcelain'])).trim() !== '';
  // Like go-git, which Octopoda used: no hooks.
  if (changed) await runGit(dir, ['commit', '--quiet', '--no-verify', '--message', COMMIT_MESSAGE]);
  return changed;
}

async function headCommit(dir: string): Promise<string | undefined> {
  try {
    return (await runGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD'])).trim();
  } catch (error) {
    if (error instanceof GitFailure) return undefined;
    throw error;
  }
}

async function currentBranch(dir: string): Promise<string> {
  try {
    return (await runGit(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim();
  } catch (error) {
    if (error instanceof GitFailure) return DEFAULT_BRANCH; // detached
    throw error;
  }
}

async function setOrigin(dir: string, url: string): Promise<void> {
  const remotes = (await runGit(dir, ['remote'])).split('\n');
  await runGit(dir, ['remote', remotes.includes('origin') ? 'set-url' : 'add', 'origin', url]);
}

/**
 * `octl scen repo push <scen> [-u <user>]`: ./<scen> becomes a repository if needed, every change is committed as
 * "default msg", `origin` is set to the repository, and the current branch is pushed to the same name.
 */
export async function scenRepoPush(deps: ScenRepoDeps, scenario: string, user?: string): Promise<void> {
  checkPlain('scenario', scenario);
  const dir = resolve(deps.cwd, scenario);
  checkScenarioFolder(scenario, dir);
  const target = { ...repository(deps, scenario, user), dir };
  const what = `push ${scenario}`;
  const pushed = await talking(target, what, async () => {
    const committed = await commitAll(dir);
    const commit = await headCommit(dir);
    if (!commit) throw new OctlError(`cannot ${what}: nothing to commit in ${dir} (is everything ignored?)`);
    const branch = await currentBranch(dir);
    await setOrigin(dir, target.url);
    await runGit(
      dir,
      ['push', '--quiet', '--no-verify', 'origin', `HEAD:refs/heads/${branch}`],
      target.server,
    );
    return { branch, commit, committed };
  });
  deps.output().print({
    data: { scenario, url: target.url, path: dir, ...pushed },
    table: () => 'PUSH REMOTE DONE!',
  });
}

const USER_OPTION = ['-u, --user <user>', 'whose repository (default: octl.yaml git.username)'] as const;

const REPO_HELP = `
The repository is <git.serveUrl>/<user>/<scen>.git on a git HTTP service (gogs in Octopoda), with the credentials
of octl.yaml's git section:
  git: {serveUrl: "http://gogs:3000", username: ann, password: secret}
The password is sent as a basic Authorization header, never written into a URL or .git/config.`;

export function registerScenRepo(scen: Command, ctx: CliContext, cwd: string): void {
  const deps: ScenRepoDeps = { cwd, server: () => ctx.gitServer(), output: () => ctx.output() };
  const repo = scen
    .command('repo')
    .usage('clone|push <scen> [-u <user>]')
    .description('keep a scenario folder in a git HTTP service (gogs): clone it, push it');
  repo
    .command('clone')
    .usage('[options] <scen>')
    .description('clone <git.serveUrl>/<user>/<scen>.git into ./<scen>')
    .argument('<scen>', 'scenario name; the folder ./<scen> must not exist yet')
    .option(...USER_OPTION)
    .addHelpText(
      'after',
      `${REPO_HELP}\n\nPrints CLONE DONE!\n\nExamples:\n  octl scen repo clone demo\n  octl scen repo clone demo -u bob`,
    )
    .action((scenario: string, options: { user?: string }) => scenRepoClone(deps, scenario, options.user));
  repo
    .command('push')
    .usage('[options] <scen>')
    .description(
      'commit every change in ./<scen> ("default msg") and push it to <git.serveUrl>/<user>/<scen>.git',
    )
    .argument('<scen>', 'scenario name; ./<scen> must be a scenario folder (with deployment.yaml)')
    .option(...USER_OPTION)
    .addHelpText(
      'after',
      `${REPO_HELP}

A folder that is no git repository yet becomes one (branch main). Every change is committed as "default msg"
(nothing changed: no commit), the remote origin is set to the repository, and the current branch is pushed to the
branch of the same name. The repository must exist on the server. Prints PUSH REMOTE DONE!

Examples:
  octl scen repo push demo
  octl scen repo push demo -u team`,
    )
    .action((scenario: string, options: { user?: string }) => scenRepoPush(deps, scenario, options.user));
}
