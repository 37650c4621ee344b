import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminTarget, type RawResponse } from '../support/go-http';
import { REPO_ROOT, startStack, type Stack } from '../support/stack';
import {
  byName,
  entry,
  EXECUTION_RESULT_KEYS,
  GO_TIME,
  goTime,
  OctlV1,
  OK,
  PROCESSING,
  refused,
  type ExecutionResult,
  type TaskTranscript,
  type V1Version,
} from './octopoda-scen.helper';

const NODES = ['tentacle-1', 'tentacle-2', 'tentacle-3'];
const SCEN = 'helloWorld';
const DESCRIPTION = 'Three printers writing hello, world and hello world into files on their nodes';
/** The apps of examples/helloWorld in file order, with their nodes and descriptions. */
const APPS = {
  helloPrinter: { nodes: ['tentacle-1'], description: 'writes hello into hello.txt' },
  worldPrinter: { nodes: ['tentacle-2'], description: 'writes world into world.txt' },
  helloWorldPrinter: {
    nodes: NODES,
    description: 'writes hello world into helloworld.txt on every tentacle',
  },
};
type AppName = keyof typeof APPS;
const NODEAPPS = Object.entries(APPS).flatMap(([app, { nodes }]) =>
  nodes.map((node) => ({ node, app: app as AppName })),
);

const HASH = /^[0-9a-f]{40}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RESET_WRONG_ARGS =
  'ERROR: Wrong Args. (should specific name and prefix. prefix length should be in [2, 40])';

/**
 * Octopoda's scenario and nodeapp routes through the real stack (name server, brain, three tentacles), driven with
 * exactly the requests Octopoda's octl sends for `scen apply`, `scen version|reset` and `napp get|version|reset`,
 * on the repository's helloWorld example. The tests run in order: each starts where the previous one left off.
 */
describe("Octopoda /api/v1 face: scenarios and nodeapps (octl's own requests, real tentacles)", () => {
  let stack: Stack;
  let octl: OctlV1;
  let folder: string;

  const appDir = (node: string, app: string) => join(stack.tentacles.get(node)!.workspace, `${app}@${SCEN}`);
  const read = (node: string, app: string, file: string) =>
    readFileSync(join(appDir(node, app), file), 'utf8');
  const git = (node: string, app: string, args: string[]) =>
    execFileSync('git', args, { cwd: appDir(node, app), encoding: 'utf8' }).trim();
  /** The nodeapp's commits on its node, newest first, as Octopoda's versions. */
  const nodeVersions = (node: string, app: string): V1Version[] =>
    git(node, app, ['log', '--format=%H%x00%ct%x00%an%x00%s'])
      .split('\n')
      .map((line) => {
        const [hash, seconds, author, message] = line.split('\0');
        expect(author).toBe('Octopod');
        return { Time: goTime(Number(seconds) * 1000), Hash: hash, Msg: message };
      });
  const head = (node: string, app: string) => git(node, app, ['rev-parse', 'HEAD']);
  const versions = async (query = '&offset=0&limit=5') => {
    const res = await octl.get(`/scenario/version?name=${SCEN}${query}`);
    expect(res.status, res.body).toBe(200);
    return res.json() as V1Version[] | null;
  };
  /** `(node - hash)` of every nodeapp as its node has it now, per app (NodeApps sorted: Go's order is arbitrary). */
  const nodeAppsOnNodes = () =>
    Object.entries(APPS)
      .map(([app, { description, nodes }]) => ({
        Name: app,
        Description: description,
        NodeApps: nodes.map((node) => `(${node} - ${head(node, app)})`),
      }))
      .sort((a, b) => a.Name.localeCompare(b.Name));
  const scenarioInfo = async () => {
    const res = await octl.get(`/scenario/info?name=${SCEN}`);
    expect(res.status, res.body).toBe(200);
    const info = res.json() as { Apps: Array<{ Name: string; NodeApps: string[] }> };
    const apps = [...info.Apps].sort((a, b) => a.Name.localeCompare(b.Name));
    return { ...info, Apps: apps.map((app) => ({ ...app, NodeApps: [...app.NodeApps].sort() })) };
  };

  /** What octl checks of a task and what Octopoda promises: 202 + bare id, 202s while running, results once. */
  const expectTaskContract = async (task: TaskTranscript) => {
    expect(task.posted.status).toBe(202);
    expect(task.posted.headers['content-type']).toMatch(/^text\/plain/);
    expect(task.posted.body).toMatch(UUID);
    const done = task.polls.at(-1) as RawResponse;
    for (const busy of task.polls.slice(0, -1)) expect([busy.status, busy.json()]).toEqual([202, PROCESSING]);
    expect(done.status).toBe(200);
    for (const result of task.results) expect(Object.keys(result)).toEqual(EXECUTION_RESULT_KEYS);
    const again = await octl.get(`/taskstate?taskid=${task.posted.body}`);
    expect([again.status, again.json()]).toEqual([200, []]);
  };

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
    octl = new OctlV1(adminTarget(stack), { rootpath: '', currentpath: '', password: stack.rootPassword });
    for (const node of NODES) await stack.waitForNode(node, (n) => n.state === 'online');
    folder = join(stack.dir, SCEN);
    cpSync(join(REPO_ROOT, 'examples', SCEN), folder, { recursive: true });
  });
  afterAll(() => stack?.stop());

  it('scen apply default: create, prepare each app, update, prepare and start scripts; files and git on the nodes', async () => {
    const message = '(Prepare-Stage1) first deploy';
    const applied = await octl.apply(folder, 'default', 'first deploy');

    expect([applied.create?.status, applied.create?.json()]).toEqual([200, OK]);
    // One prepare per app, in file order; every node's copy committed (Result is the tentacle's empty Output).
    expect(applied.prepares.map((p) => [p.app, byName(p.results)])).toEqual(
      Object.entries(APPS).map(([app, { nodes }]) => [app, nodes.map((node) => entry(node))]),
    );
    expect([applied.update?.status, applied.update?.json()]).toEqual([200, { ...OK, Modified: true }]);
    // Scripts by ascending order: prepare worldPrinter(1) → helloWorldPrinter(2) → helloPrinter(3), start reversed.
    const said = (app: string, what: string, nodes: string[]) =>
      nodes.map((node) => entry(node, { Result: `${app} ${what} on ${node}\n` }));
    expect(applied.scripts.map((s) => [s.app, byName(s.results)])).toEqual([
      ['worldPrinter', said('worldPrinter', 'prepared', ['tentacle-2'])],
      ['helloWorldPrinter', said('helloWorldPrinter', 'prepared', NODES)],
      ['helloPrinter', said('helloPrinter', 'prepared', ['tentacle-1'])],
      ['helloPrinter', said('helloPrinter', "wrote 'hello'", ['tentacle-1'])],
      ['worldPrinter', said('worldPrinter', "wrote 'world'", ['tentacle-2'])],
      ['helloWorldPrinter', said('helloWorldPrinter', "wrote 'hello world'", NODES)],
    ]);
    const tasks = [...applied.prepares, ...applied.scripts];
    for (const task of tasks) await expectTaskContract(task);
    // octl polls at once after the 202: tasks on real nodes are not all finished by then.
    expect(tasks.some((task) => task.polls.length > 1)).toBe(true);

    // The sources, then what the scripts wrote (in the nodeapp directory, their working directory).
    expect(read('tentacle-1', 'helloPrinter', 'README.md')).toBe('hello\n');
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toBe('-->prepared\nhello\n');
    expect(read('tentacle-2', 'worldPrinter', 'README.md')).toBe('world\n');
    expect(read('tentacle-2', 'worldPrinter', 'world.txt')).toBe('-->prepared\nworld\n');
    for (const node of NODES) {
      expect(read(node, 'helloWorldPrinter', 'README.md')).toBe('hello world\n');
      expect(read(node, 'helloWorldPrinter', 'helloworld.txt')).toBe('-->prepared\nhello world\n');
    }
    expect(existsSync(appDir('tentacle-2', 'helloPrinter'))).toBe(false);
    expect(existsSync(appDir('tentacle-1', 'worldPrinter'))).toBe(false);
    // Prepare committed the sources only; what the scripts wrote waits for a commit.
    for (const { node, app } of NODEAPPS)
      expect(nodeVersions(node, app).map((v) => v.Msg)).toEqual([message]);
    expect(git('tentacle-1', 'helloPrinter', ['status', '--porcelain'])).toBe('?? hello.txt');
    expect(git('tentacle-1', 'helloPrinter', ['ls-files'])).toBe('README.md');

    const [version, ...older] = (await versions()) ?? [];
    expect(older).toEqual([]);
    expect(version).toEqual({
      Time: expect.stringMatching(GO_TIME),
      Hash: expect.stringMatching(HASH),
      Msg: message,
    });
    const digest = {
      Name: SCEN,
      Description: DESCRIPTION,
      Version: version.Hash,
      Timestamp: version.Time,
      Message: message,
    };
    const list = await octl.get('/scenarios/info');
    expect([list.status, list.body]).toEqual([200, JSON.stringify([digest])]);
    const info = await octl.get(`/scenario/info?name=${SCEN}`);
    expect(Object.keys(info.json() as object)).toEqual([...Object.keys(digest), 'Apps']);
    expect(await scenarioInfo()).toEqual({ ...digest, Apps: nodeAppsOnNodes() });
    expect((await scenarioInfo()).Apps[0]).toEqual({
      Name: 'helloPrinter',
      Description: 'writes hello into hello.txt',
      NodeApps: [expect.stringMatching(/^\(tentacle-1 - [0-9a-f]{40}\)$/)],
    });

    // A second prepare is refused at its first request, as octl's "scenario already exists, status=404".
    const again = await octl.post('/scenario/info', [
      ['name', SCEN],
      ['description', DESCRIPTION],
    ]);
    expect([again.status, again.json()]).toEqual([404, refused('ERROR: Scenario Exists')]);
    await expect(octl.apply(folder, 'prepare', 'again')).rejects.toThrow(
      `scenario ${SCEN} already exists, status=404.`,
    );
  }, 180_000);

  it('scen apply commit makes a version every time; scen version pages; scen reset goes back to the first', async () => {
    for (const message of ['after start', 'nothing new']) {
      const applied = await octl.apply(folder, 'commit', message);
      expect(applied.commits.map((c) => [c.app, byName(c.results)])).toEqual(
        Object.entries(APPS).map(([app, { nodes }]) => [app, nodes.map((node) => entry(node))]),
      );
      for (const task of applied.commits) await expectTaskContract(task);
      expect([applied.update?.status, applied.update?.json()]).toEqual([200, { ...OK, Modified: true }]);
    }
    // What the scripts wrote is in the first commit; the second changed only Octopoda's `.DUMMY`.
    expect(git('tentacle-1', 'helloPrinter', ['status', '--porcelain'])).toBe('');
    expect(git('tentacle-1', 'helloPrinter', ['show', 'HEAD~1:hello.txt'])).toBe('-->prepared\nhello');
    expect(git('tentacle-1', 'helloPrinter', ['diff', '--name-only', 'HEAD~1', 'HEAD'])).toBe('.DUMMY');
    for (const { node, app } of NODEAPPS) {
      expect(nodeVersions(node, app).map((v) => v.Msg)).toEqual([
        'nothing new',
        'after start',
        '(Prepare-Stage1) first deploy',
      ]);
    }

    // Newest first; offset skips the newest; Go's null past the end.
    const all = (await versions()) ?? [];
    expect(all.map((v) => v.Msg)).toEqual(['nothing new', 'after start', '(Prepare-Stage1) first deploy']);
    for (const v of all)
      expect(v).toEqual({
        Time: expect.stringMatching(GO_TIME),
        Hash: expect.stringMatching(HASH),
        Msg: v.Msg,
      });
    expect(new Set(all.map((v) => v.Hash)).size).toBe(3);
    expect(await versions('&offset=1&limit=1')).toEqual([all[1]]);
    expect(await versions('&offset=1&limit=5')).toEqual(all.slice(1));
    const pastEnd = await octl.get(`/scenario/version?name=${SCEN}&offset=3&limit=5`);
    expect([pastEnd.status, pastEnd.body]).toEqual([200, 'null']);
    const infoBefore = await scenarioInfo();
    expect(infoBefore.Apps).toEqual(nodeAppsOnNodes());

    const first = all[2];
    const firstHeads = Object.fromEntries(
      NODEAPPS.map(({ node, app }) => [`${node}:${app}`, nodeVersions(node, app)[2].Hash]),
    );
    // `scen reset`: POST /scenario/version?name=… with the multipart form name, version, message.
    const reset = (version: string, message = 'back to the start') =>
      octl.post(`/scenario/version?name=${SCEN}`, [
        ['name', SCEN],
        ['version', version],
        ['message', message],
      ]);
    for (const version of ['a', first.Hash + '0']) {
      const wrong = await reset(version, 'never');
      expect([wrong.status, wrong.json()]).toEqual([400, refused(RESET_WRONG_ARGS)]);
    }
    const unused = [...Array(256).keys()]
      .map((n) => n.toString(16).padStart(2, '0'))
      .find((prefix) => !all.some((v) => v.Hash.startsWith(prefix))) as string;
    const unknown = await reset(unused, 'never');
    expect([unknown.status, unknown.json()]).toEqual([404, refused('ERROR: Version Not Exists')]);
    expect((await versions()) ?? []).toEqual(all);

    const res = await reset(first.Hash.slice(0, 8));
    expect(res.status, res.body).toBe(200);
    const results = res.json() as ExecutionResult[];
    for (const result of results) expect(Object.keys(result)).toEqual(EXECUTION_RESULT_KEYS);
    expect(byName(results)).toEqual(
      byName(NODEAPPS.map(({ node, app }) => entry(`${node}:${app}@${SCEN}`, { Result: 'OK' }))),
    );

    // Files as at the first version: hello.txt was not committed then, so it is gone, and so is `.DUMMY`.
    const helloDir = appDir('tentacle-1', 'helloPrinter');
    expect(existsSync(join(helloDir, 'hello.txt'))).toBe(false);
    expect(existsSync(join(helloDir, '.DUMMY'))).toBe(false);
    expect(read('tentacle-1', 'helloPrinter', 'README.md')).toBe('hello\n');
    expect(existsSync(join(appDir('tentacle-2', 'worldPrinter'), 'world.txt'))).toBe(false);
    for (const node of NODES)
      expect(existsSync(join(appDir(node, 'helloWorldPrinter'), 'helloworld.txt'))).toBe(false);
    for (const { node, app } of NODEAPPS) {
      // History is appended to (A→B→C→A), never rewritten; the new HEAD holds the first version's tree.
      const history = nodeVersions(node, app);
      expect(history.map((v) => v.Msg)).toEqual([
        'back to the start',
        'nothing new',
        'after start',
        '(Prepare-Stage1) first deploy',
      ]);
      expect(history[3].Hash).toBe(firstHeads[`${node}:${app}`]);
      expect(git(node, app, ['rev-parse', 'HEAD^{tree}'])).toBe(
        git(node, app, ['rev-parse', `${history[3].Hash}^{tree}`]),
      );
      expect(git(node, app, ['status', '--porcelain'])).toBe('');
    }
    const after = (await versions()) ?? [];
    expect(after.map((v) => v.Msg)).toEqual(['back to the start', ...all.map((v) => v.Msg)]);
    expect(after.slice(1)).toEqual(all);
    expect(after[0]).toEqual({
      Time: expect.stringMatching(GO_TIME),
      Hash: expect.stringMatching(HASH),
      Msg: 'back to the start',
    });
    const info = await scenarioInfo();
    expect(info).toMatchObject({
      Version: after[0].Hash,
      Message: 'back to the start',
      Timestamp: after[0].Time,
    });
    expect(info.Apps).toEqual(nodeAppsOnNodes());

    const ghost = await octl.post('/scenario/version?name=ghost', [
      ['name', 'ghost'],
      ['version', first.Hash.slice(0, 8)],
      ['message', 'm'],
    ]);
    expect([ghost.status, ghost.json()]).toEqual([404, refused('ERROR: Scenario Not Exists')]);
  }, 180_000);

  it('napp get, napp version and napp reset: what the node holds, and a reset that makes a scenario version', async () => {
    const apps = await octl.get('/node/apps?name=tentacle-1');
    expect(apps.status, apps.body).toBe(200);
    const current = (app: string) => nodeVersions('tentacle-1', app)[0];
    expect(apps.body).toBe(
      JSON.stringify([
        {
          Name: `helloPrinter@${SCEN}`,
          Discription: APPS.helloPrinter.description,
          CurVersion: current('helloPrinter'),
        },
        {
          Name: `helloWorldPrinter@${SCEN}`,
          Discription: APPS.helloWorldPrinter.description,
          CurVersion: current('helloWorldPrinter'),
        },
      ]),
    );

    const query = `name=tentacle-1&app=helloPrinter&scenario=${SCEN}`;
    const history = nodeVersions('tentacle-1', 'helloPrinter');
    const info = await octl.get(`/node/app/info?${query}`);
    expect([info.status, info.body]).toEqual([
      200,
      JSON.stringify({
        Name: `helloPrinter@${SCEN}`,
        Discription: APPS.helloPrinter.description,
        Versions: history.slice(0, 3),
      }),
    ]);
    const other = await octl.get(`/node/app/info?name=tentacle-2&app=helloPrinter&scenario=${SCEN}`);
    expect([other.status, other.body]).toEqual([200, '{}']);
    const page = async (offset: number, limit: number) => {
      const res = await octl.get(`/node/app/version?${query}&offset=${offset}&limit=${limit}`);
      expect(res.status, res.body).toBe(200);
      return res.json() as V1Version[];
    };
    expect(await page(0, 5)).toEqual(history);
    expect(await page(1, 2)).toEqual(history.slice(1, 3));
    expect(await page(4, 5)).toEqual([]);

    // `napp reset`: the multipart form name, app, scenario, version (a prefix), message.
    const scenarioBefore = (await versions('&offset=0&limit=100')) ?? [];
    const afterStart = history.find((v) => v.Msg === 'after start') as V1Version;
    const napReset = (version: string) =>
      octl.post('/node/app/version', [
        ['name', 'tentacle-1'],
        ['app', 'helloPrinter'],
        ['scenario', SCEN],
        ['version', version],
        ['message', 'hello again'],
      ]);
    const res = await napReset(afterStart.Hash.slice(0, 10));
    expect(res.status, res.body).toBe(200);
    const newHead = head('tentacle-1', 'helloPrinter');
    expect(newHead).toMatch(HASH);
    expect(res.json()).toEqual({ ...OK, Version: newHead, Modified: true });
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toBe('-->prepared\nhello\n');
    expect(nodeVersions('tentacle-1', 'helloPrinter').map((v) => v.Msg)).toEqual([
      'hello again',
      ...history.map((v) => v.Msg),
    ]);
    // The brain records the nodeapp and makes a new scenario version with the reset's message.
    const scenarioAfter = (await versions('&offset=0&limit=100')) ?? [];
    expect(scenarioAfter.slice(1)).toEqual(scenarioBefore);
    expect(scenarioAfter[0]).toEqual({
      Time: expect.stringMatching(GO_TIME),
      Hash: expect.stringMatching(HASH),
      Msg: 'hello again',
    });
    expect(scenarioBefore.map((v) => v.Hash)).not.toContain(scenarioAfter[0].Hash);
    expect((await scenarioInfo()).Apps).toEqual(nodeAppsOnNodes());
    expect((await scenarioInfo()).Apps[0].NodeApps).toEqual([`(tentacle-1 - ${newHead})`]);

    // A prefix that names no version of the nodeapp: nothing changes, on the node or the brain.
    const none = await napReset('zz');
    expect([none.status, none.json()]).toEqual([404, refused('No app or version')]);
    expect(head('tentacle-1', 'helloPrinter')).toBe(newHead);
    expect(await versions('&offset=0&limit=100')).toEqual(scenarioAfter);
  }, 120_000);

  it('scen apply purge: purge scripts, then DELETE /scenario/info removes every nodeapp and the scenario', async () => {
    const applied = await octl.apply(folder, 'purge');
    expect(applied.scripts.map((s) => [s.app, byName(s.results)])).toEqual([
      ['helloPrinter', [entry('tentacle-1', { Result: 'helloPrinter purged on tentacle-1\n' })]],
      ['worldPrinter', [entry('tentacle-2', { Result: 'worldPrinter purged on tentacle-2\n' })]],
      [
        'helloWorldPrinter',
        NODES.map((node) => entry(node, { Result: `helloWorldPrinter purged on ${node}\n` })),
      ],
    ]);
    for (const task of applied.scripts) await expectTaskContract(task);

    const deleted = applied.delete as RawResponse;
    expect(deleted.status, deleted.body).toBe(200);
    const results = deleted.json() as ExecutionResult[];
    for (const result of results) expect(Object.keys(result)).toEqual(EXECUTION_RESULT_KEYS);
    expect(byName(results)).toEqual(byName(NODEAPPS.map(({ node, app }) => entry(`${node}:${app}@${SCEN}`))));
    for (const { node, app } of NODEAPPS) expect(existsSync(appDir(node, app))).toBe(false);

    const info = await octl.get(`/scenario/info?name=${SCEN}`);
    expect([info.status, info.json()]).toEqual([404, refused('Error: GetScenarioInfoByName')]);
    const list = await octl.get('/scenarios/info');
    expect([list.status, list.json()]).toEqual([200, []]);
    const apps = await octl.get('/node/apps?name=tentacle-1');
    expect([apps.status, apps.body]).toEqual([200, 'null']);
    const again = await octl.delete(`/scenario/info?name=${SCEN}`);
    expect([again.status, again.json()]).toEqual([404, refused('ERROR: Scenario Not Exists')]);

    // Purged, the scenario can be prepared again from scratch.
    const reapplied = await octl.apply(folder, 'prepare', 'second life');
    expect([reapplied.create?.status, reapplied.update?.json()]).toEqual([200, { ...OK, Modified: true }]);
    expect(read('tentacle-1', 'helloPrinter', 'hello.txt')).toBe('-->prepared\n');
    expect(nodeVersions('tentacle-1', 'helloPrinter').map((v) => v.Msg)).toEqual([
      '(Prepare-Stage1) second life',
    ]);
  }, 120_000);
});
