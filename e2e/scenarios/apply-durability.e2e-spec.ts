import { OctopodClient } from '@octopod/sdk';
import { startGitHttpServer, waitFor, type GitHttpServer } from '@octopod/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/sdk-client';
import { REPO_ROOT, startStack, type Stack } from '../support/stack';
import { applyFolder, runEnded } from './scenario-client';

const NODES = ['tentacle-1', 'tentacle-2', 'tentacle-3'];

/** A scenario with one slow prepare script that counts its runs in the nodeapp directory. */
function writeSlowScenario(dir: string): void {
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, 'app/scripts', name), `#!/bin/bash\nset -eu\n${body}\n`);
  };
  mkdirSync(join(dir, 'app/scripts'), { recursive: true });
  mkdirSync(join(dir, 'app/src'), { recursive: true });
  writeFileSync(join(dir, 'app/src/data.txt'), 'data\n');
  writeFileSync(
    join(dir, 'deployment.yaml'),
    [
      'name: slowpoke',
      'description: a prepare script that takes its time',
      'applications:',
      '  - name: sleeper',
      '    description: sleeps, then counts',
      '    scriptpath: app/scripts',
      '    sourcepath: app/src',
      '    nodes: [tentacle-1, tentacle-2]',
      '    script:',
      '      - { target: prepare, file: prepare.sh }',
      '      - { target: start, file: start.sh }',
      '      - { target: stop, file: stop.sh }',
      '      - { target: purge, file: purge.sh }',
      '',
    ].join('\n'),
  );
  script('prepare.sh', 'sleep 6\necho "prepared $OCTOPODA_APP@$OCTOPODA_SCENARIO in $PWD" >> runs.txt');
  script('start.sh', 'echo started >> runs.txt');
  script('stop.sh', 'echo stopped >> runs.txt');
  script('purge.sh', 'true');
}

describe('scenario applies survive the brain and come from git', () => {
  let stack: Stack;
  let client: OctopodClient;
  let git: GitHttpServer;

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
    client = adminClient(stack);
    git = await startGitHttpServer();
  });
  afterAll(async () => {
    client?.close();
    await git?.close();
    await stack?.stop();
  });

  it('a brain killed in the middle of an apply goes on where it was: every script once, one version', async () => {
    const folder = join(stack.dir, 'slowpoke');
    writeSlowScenario(folder);
    const started = await applyFolder(client, folder, 'default', { message: 'slow', scratch: stack.dir });
    await waitFor(
      async () => {
        const run = await client.getScenarioRun(started.id);
        return run.steps.some((s) => s.kind === 'script' && s.target === 'prepare' && s.state === 'running');
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    await stack.restartBrain({ kill: true });
    const run = await runEnded(client, started.id, 90_000);
    expect(run.state, JSON.stringify(run, null, 2)).toBe('success');
    for (const node of ['tentacle-1', 'tentacle-2']) {
      const dir = join(stack.tentacles.get(node)!.workspace, 'sleeper@slowpoke');
      expect(readFileSync(join(dir, 'runs.txt'), 'utf8')).toBe(
        `prepared sleeper@slowpoke in ${dir}\nstarted\n`,
      );
    }
    expect((await client.listScenarioVersions('slowpoke', {})).map((v) => v.message)).toEqual(['slow']);
  });

  it('applies a folder straight from a git URL and ref', async () => {
    const repo = await git.createRepo('lab', 'helloWorld');
    const work = join(stack.dir, 'git-work');
    cpSync(join(REPO_ROOT, 'examples/helloWorld'), work, { recursive: true });
    // Not execFileSync: the git server answers from this very process.
    const run = (args: string[]) =>
      promisify(execFile)('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: work });
    await run(['init', '-q', '-b', 'main']);
    await run(['add', '-A']);
    await run(['commit', '-q', '-m', 'helloWorld']);
    await run(['push', '-q', repo.url, 'main']);

    const started = await client.applyScenario({
      git: { url: repo.url, ref: 'main' },
      target: 'prepare',
      message: 'from git',
    });
    const ended = await runEnded(client, started.id);
    expect(ended.state, JSON.stringify(ended, null, 2)).toBe('success');
    const dir = join(stack.tentacles.get('tentacle-1')!.workspace, 'helloPrinter@helloWorld');
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('-->prepared\n');

    const missing = await client
      .applyScenario({ git: { url: `${git.url}/lab/nothing.git`, ref: 'main' }, target: 'prepare' })
      .catch((e: unknown) => e as { code: string; message: string });
    expect(missing).toMatchObject({ code: 'git_fetch_failed' });
  });

  it('fetches with credentials from the URL, which never show in an answer', async () => {
    const locked = await startGitHttpServer({ users: { lab: 's3cret-pw' } });
    try {
      const repo = await locked.createRepo('lab', 'locked');
      const work = join(stack.dir, 'git-locked');
      cpSync(join(REPO_ROOT, 'examples/helloWorld'), work, { recursive: true });
      const withAuth = (password: string) => repo.url.replace('http://', `http://lab:${password}@`);
      const run = (args: string[]) =>
        promisify(execFile)('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: work });
      await run(['init', '-q', '-b', 'main']);
      await run(['add', '-A']);
      await run(['commit', '-q', '-m', 'locked']);
      await run(['push', '-q', withAuth('s3cret-pw'), 'main']);

      const refused = await client
        .applyScenario({ git: { url: withAuth('wrong-pw'), ref: 'main' }, target: 'prepare' })
        .catch((e: unknown) => e as { code: string; message: string });
      expect(refused).toMatchObject({ code: 'git_fetch_failed' });
      expect(JSON.stringify(refused)).not.toMatch(/wrong-pw/);
      expect((refused as { message: string }).message).not.toMatch(/wrong-pw/);

      const started = await client.applyScenario({
        git: { url: withAuth('s3cret-pw'), ref: 'main' },
        target: 'prepare',
        message: 'locked',
      });
      expect((await runEnded(client, started.id)).state).toBe('success');
    } finally {
      await locked.close();
    }
  });

  it('octl scen apply, version and napp get drive the same scenario (after the git test prepared it)', async () => {
    const folder = join(stack.dir, 'octl-helloWorld');
    cpSync(join(REPO_ROOT, 'examples/helloWorld'), folder, { recursive: true });
    const greet = await stack.octl(['scen', 'apply', folder, 'greet', '-o', 'json']);
    expect(greet.code, greet.stderr).toBe(0);
    const run = JSON.parse(greet.stdout) as { state: string; steps: Array<{ app: string; target: string }> };
    expect(run.state).toBe('success');
    expect(run.steps.map((s) => [s.app, s.target])).toEqual([['helloPrinter', 'greet']]);

    const versions = await stack.octl([
      'scen',
      'version',
      'helloWorld',
      '-o',
      '0',
      '-l',
      '1',
      '--output',
      'json',
    ]);
    expect(versions.code, versions.stderr).toBe(0);
    // The newest version, as the API lists it (the prepare from the locked repository committed what the first
    // prepare's scripts had written, so it made one).
    expect(JSON.parse(versions.stdout)).toEqual(
      await client.listScenarioVersions('helloWorld', { limit: 1 }),
    );

    const apps = await stack.octl(['napp', 'get', 'tentacle-1', '-o', 'json']);
    expect(apps.code, apps.stderr).toBe(0);
    expect((JSON.parse(apps.stdout) as Array<{ name: string }>).map((a) => a.name)).toContain(
      'helloPrinter@helloWorld',
    );

    const bad = join(stack.dir, 'octl-bad');
    cpSync(folder, bad, { recursive: true });
    writeFileSync(join(bad, 'deployment.yaml'), 'name: x\napplications: []\n');
    const refused = await stack.octl(['scen', 'apply', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/deployment\.yaml:\d+: /);
  });
});
