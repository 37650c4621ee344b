import { OctopodApiError, OctopodClient } from '@octopod/sdk';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/sdk-client';
import { REPO_ROOT, startStack, type Stack } from '../support/stack';
import { applyFolder, runEnded, scriptStages } from './scenario-client';

const NODES = ['tentacle-1', 'tentacle-2', 'tentacle-3'];
const SCENARIO = 'helloWorld';

/** Octopoda's helloWorld example, target by target, on three real tentacles. */
describe('scenario helloWorld end to end', () => {
  let stack: Stack;
  let client: OctopodClient;
  let folder: string;

  const appDir = (node: string, app: string) =>
    join(stack.tentacles.get(node)!.workspace, `${app}@${SCENARIO}`);
  const read = (node: string, app: string, file: string) =>
    readFileSync(join(appDir(node, app), file), 'utf8');
  const gitLog = (node: string, app: string) =>
    execFileSync('git', ['log', '--format=%an|%s'], { cwd: appDir(node, app), encoding: 'utf8' })
      .trim()
      .split('\n');
  const apply = async (target: string, message?: string) => {
    const started = await applyFolder(client, folder, target, { message, scratch: stack.dir });
    return runEnded(client, started.id);
  };

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
    client = adminClient(stack);
    folder = join(stack.dir, 'helloWorld');
    cpSync(join(REPO_ROOT, 'examples/helloWorld'), folder, { recursive: true });
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('default = prepare + start: sources in git on each node, scripts in order, one version', async () => {
    const run = await apply('default', 'first deploy');
    expect(run.state, JSON.stringify(run, null, 2)).toBe('success');
    // Octopoda's observed order: prepare worldPrinter(1) → helloWorldPrinter(2) → helloPrinter(3); start reversed.
    expect(scriptStages(run, 'prepare')).toEqual([['worldPrinter'], ['helloWorldPrinter'], ['helloPrinter']]);
    expect(scriptStages(run, 'start')).toEqual([['helloPrinter'], ['worldPrinter'], ['helloWorldPrinter']]);
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toBe('-->prepared\nhello\n');
    expect(read('tentacle-1', 'helloPrinter', 'README.md')).toBe('hello\n');
    expect(read('tentacle-2', 'worldPrinter', 'world.txt')).toBe('-->prepared\nworld\n');
    for (const node of NODES)
      expect(read(node, 'helloWorldPrinter', 'helloworld.txt')).toBe('-->prepared\nhello world\n');
    expect(existsSync(appDir('tentacle-2', 'helloPrinter'))).toBe(false);
    // What prepare copied is committed by Octopod; what the scripts wrote is not (until a commit).
    expect(gitLog('tentacle-1', 'helloPrinter')).toEqual(['Octopod|first deploy']);
    const status = execFileSync('git', ['status', '--porcelain'], {
      cwd: appDir('tentacle-1', 'helloPrinter'),
      encoding: 'utf8',
    });
    expect(status).toContain('hello.txt');

    const versions = await client.listScenarioVersions(SCENARIO, {});
    expect(versions.map((v) => v.message)).toEqual(['first deploy']);
    const scenario = await client.getScenario(SCENARIO);
    const hello = scenario.apps.find((a) => a.name === 'helloPrinter')!;
    expect(hello.nodeApps.map((n) => n.node)).toEqual(['tentacle-1']);
    expect(hello.nodeApps[0].version).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a custom target runs only on the apps that define it', async () => {
    const run = await apply('greet');
    expect(run.state).toBe('success');
    expect(run.steps.map((s) => [s.app, s.target])).toEqual([['helloPrinter', 'greet']]);
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toMatch(
      /^-->prepared\nhello\nhello from tentacle-1 at /,
    );
    expect(read('tentacle-2', 'worldPrinter', 'world.txt')).toBe('-->prepared\nworld\n');
  });

  it('commit makes a version of everything (a new one every time), on the nodes and the brain', async () => {
    const refused = await applyFolder(client, folder, 'commit', { scratch: stack.dir }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(OctopodApiError);
    expect((refused as OctopodApiError).code).toBe('message_required');

    expect((await apply('commit', 'after greet')).state).toBe('success');
    expect((await apply('commit', 'nothing new')).state).toBe('success');
    expect(gitLog('tentacle-1', 'helloPrinter')).toEqual([
      'Octopod|nothing new',
      'Octopod|after greet',
      'Octopod|first deploy',
    ]);
    const versions = await client.listScenarioVersions(SCENARIO, {});
    expect(versions.map((v) => v.message)).toEqual(['nothing new', 'after greet', 'first deploy']);
    expect(
      (await client.listScenarioVersions(SCENARIO, { offset: 1, limit: 1 })).map((v) => v.message),
    ).toEqual(['after greet']);
  });

  it('stop runs the stop scripts in their order, on every node of each app', async () => {
    const run = await apply('stop');
    expect(run.state).toBe('success');
    expect(scriptStages(run, 'stop')).toEqual([['helloPrinter'], ['worldPrinter'], ['helloWorldPrinter']]);
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toBe('stopped\n');
    expect(read('tentacle-2', 'worldPrinter', 'world.txt')).toBe('stopped\n');
    for (const node of NODES) expect(read(node, 'helloWorldPrinter', 'helloworld.txt')).toBe('stopped\n');
  });

  it('reset is revert-like: files back (uncommitted ones removed), history appended on nodes and brain', async () => {
    const versions = await client.listScenarioVersions(SCENARIO, {});
    const first = versions.at(-1)!;
    writeFileSync(join(appDir('tentacle-1', 'helloPrinter'), 'junk.txt'), 'never committed');

    const short = await client
      .resetScenario(SCENARIO, { version: 'a', message: 'x' })
      .catch((e: unknown) => e);
    expect((short as OctopodApiError).code).toBe('bad_version');
    const unknown = await client
      .resetScenario(SCENARIO, { version: 'ffffffff', message: 'x' })
      .catch((e: unknown) => e);
    expect((unknown as OctopodApiError).code).toBe('version_not_found');

    const started = await client.resetScenario(SCENARIO, {
      version: first.hash.slice(0, 8),
      message: 'back to the start',
    });
    const run = await runEnded(client, started.id);
    expect(run.state, JSON.stringify(run, null, 2)).toBe('success');
    // At the first version hello.txt was not committed yet: it goes, and so does the junk.
    expect(existsSync(join(appDir('tentacle-1', 'helloPrinter'), 'hello.txt'))).toBe(false);
    expect(existsSync(join(appDir('tentacle-1', 'helloPrinter'), 'junk.txt'))).toBe(false);
    expect(read('tentacle-1', 'helloPrinter', 'README.md')).toBe('hello\n');
    expect(gitLog('tentacle-1', 'helloPrinter')).toHaveLength(4);
    const after = await client.listScenarioVersions(SCENARIO, {});
    expect(after.map((v) => v.message)).toEqual([
      'back to the start',
      'nothing new',
      'after greet',
      'first deploy',
    ]);
    const brainRepo = join(stack.dir, 'brain-workspace', '.octopod', 'scenarios', SCENARIO);
    const log = execFileSync('git', ['log', '--format=%s'], { cwd: brainRepo, encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(log).toEqual(['back to the start', 'nothing new', 'after greet', 'first deploy']);
    // The brain's git holds the folder as applied and each version's snapshot of the nodeapps.
    expect(readFileSync(join(brainRepo, 'deployment.yaml'), 'utf8')).toContain('name: helloWorld');
    expect(readFileSync(join(brainRepo, '.octopod/snapshot.json'), 'utf8')).toContain('helloPrinter');
  });

  it('a nodeapp reset goes back on one node and makes a new scenario version', async () => {
    const nodeVersions = await client.listNodeAppVersions('tentacle-1', `helloPrinter@${SCENARIO}`, {
      limit: 10,
    });
    const afterGreet = nodeVersions.find((v) => v.message === 'after greet')!;
    const apps = await client.listNodeApps('tentacle-1');
    expect(apps.map((a) => a.name).sort()).toEqual([
      `helloPrinter@${SCENARIO}`,
      `helloWorldPrinter@${SCENARIO}`,
    ]);
    expect(apps.find((a) => a.app === 'helloPrinter')!.description).toBe('writes hello into hello.txt');

    const started = await client.resetNodeApp('tentacle-1', `helloPrinter@${SCENARIO}`, {
      version: afterGreet.hash.slice(0, 10),
      message: 'greet again',
    });
    expect((await runEnded(client, started.id)).state).toBe('success');
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toMatch(/hello from tentacle-1/);
    expect((await client.listScenarioVersions(SCENARIO, { limit: 1 }))[0].message).toBe('greet again');
  });

  it('re-preparing an unchanged folder makes no version; a changed source makes one', async () => {
    const before = (await client.listScenarioVersions(SCENARIO, { limit: 100 })).length;
    const same = await apply('prepare', 'again');
    expect(same.state).toBe('success');
    expect(same.steps.find((s) => s.kind === 'record')!.detail).toMatch(/nothing changed/);
    expect((await client.listScenarioVersions(SCENARIO, { limit: 100 })).length).toBe(before);

    writeFileSync(join(folder, 'hello/src/README.md'), 'hello, changed\n');
    const changed = await apply('prepare', 'new readme');
    expect(changed.state).toBe('success');
    expect((await client.listScenarioVersions(SCENARIO, { limit: 100 })).length).toBe(before + 1);
    expect(read('tentacle-1', 'helloPrinter', 'README.md')).toBe('hello, changed\n');
  });

  it('refuses an invalid folder with file, line and field, and runs nothing', async () => {
    const bad = join(stack.dir, 'bad');
    cpSync(folder, bad, { recursive: true });
    const yaml = readFileSync(join(bad, 'deployment.yaml'), 'utf8');
    writeFileSync(join(bad, 'deployment.yaml'), yaml.replace('nodes: [tentacle-2]', 'nodes: [no-such-node]'));
    const error = (await applyFolder(client, bad, 'default', { scratch: stack.dir }).catch(
      (e: unknown) => e,
    )) as OctopodApiError;
    expect(error.code).toBe('invalid_scenario');
    const issues = error.details.issues as Array<{ file: string; line: number; message: string }>;
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'deployment.yaml',
        line: 20,
        message: expect.stringMatching(/unknown nodes: no-such-node/),
      }),
    ]);
  });

  it('purge runs the purge scripts, removes every nodeapp and forgets the scenario', async () => {
    const run = await apply('purge');
    expect(run.state, JSON.stringify(run, null, 2)).toBe('success');
    for (const node of NODES) expect(existsSync(appDir(node, 'helloWorldPrinter'))).toBe(false);
    expect(existsSync(appDir('tentacle-1', 'helloPrinter'))).toBe(false);
    const gone = await client.getScenario(SCENARIO).catch((e: unknown) => e);
    expect((gone as OctopodApiError).status).toBe(404);
    // The brain's side goes too: its git repository of the scenario, and the versions.
    expect(existsSync(join(stack.dir, 'brain-workspace', '.octopod', 'scenarios', SCENARIO))).toBe(false);
    const versions = await client.listScenarioVersions(SCENARIO, {}).catch((e: unknown) => e);
    expect((versions as OctopodApiError).status).toBe(404);
  });
});
