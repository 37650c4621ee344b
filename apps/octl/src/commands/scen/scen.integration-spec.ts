// `octl scen` against a fake brain over HTTPS, through the SDK: packing and uploading the folder, following runs,
// the brain's refusals, versions and resets.
import { extractTar } from '@octopod/files';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scenarioWorld, type Harness } from './fake-scenarios.helper-spec';
import { advance, defaultRun, HASH_A, HASH_B, node, run, step } from './run-fixtures.helper-spec';

let world: ReturnType<typeof scenarioWorld>;
beforeAll(() => {
  world = scenarioWorld('octopod-octl-scen-');
});
afterEach(() => world.stopBrains());
afterAll(() => world.remove());

/** A scenario folder: deployment.yaml, one app's script and source, in a fresh folder of the test's. */
function scenarioFolder(): string {
  const dir = mkdtempSync(join(world.dir, 'helloWorld-'));
  writeFileSync(join(dir, 'deployment.yaml'), 'name: helloWorld\ndescription: hello\n');
  mkdirSync(join(dir, 'helloPrinter', 'scripts'), { recursive: true });
  mkdirSync(join(dir, 'helloPrinter', 'src'), { recursive: true });
  writeFileSync(join(dir, 'helloPrinter', 'scripts', 'prepare.sh'), 'echo prepare >> $OCTOPODA_OUTPUT\n');
  writeFileSync(join(dir, 'helloPrinter', 'src', 'README'), '- README of helloPrinter -\n');
  return dir;
}

async function unpack(bytes: Buffer): Promise<string> {
  const out = mkdtempSync(join(world.dir, 'unpacked-'));
  await extractTar(Readable.from([bytes]), out);
  return out;
}

const runRequests = (h: Harness) =>
  h.served.requests.filter((r) => r.startsWith('GET /api/v2/scenario-runs/'));

describe('octl scen apply', () => {
  it('uploads a tar of the folder contents, applies, and follows the run to success (exit 0)', async () => {
    const h = await world.start();
    const dir = scenarioFolder();
    const result = await h.octl(['scen', 'apply', dir, '-m', 'first cut'], { tty: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    expect(h.brain.applied).toEqual([
      { blob: [...h.brain.blobs.keys()][0], target: 'default', message: 'first cut', stopOnError: false },
    ]);
    const unpacked = await unpack([...h.brain.blobs.values()][0]);
    expect(readdirSync(unpacked).sort()).toEqual(['deployment.yaml', 'helloPrinter']);
    expect(readFileSync(join(unpacked, 'helloPrinter', 'src', 'README'), 'utf8')).toBe(
      '- README of helloPrinter -\n',
    );

    expect(result.stdout.split('\n')).toEqual([
      'run run-1: helloWorld, target default (4 steps in 4 stages)',
      'stage 1/4: push helloPrinter',
      '  push     helloPrinter  tentacle-1  success',
      '  push     helloPrinter  tentacle-2  success',
      'stage 2/4: record',
      `  record   -             brain       success: ${HASH_A}`,
      'stage 3/4: prepare helloPrinter',
      '  prepare  helloPrinter  tentacle-1  success',
      '  prepare  helloPrinter  tentacle-2  success',
      'stage 4/4: start helloPrinter',
      '  start    helloPrinter  tentacle-1  success',
      '  start    helloPrinter  tentacle-2  success',
      'run run-1: success',
      `version ${HASH_A}`,
      '',
    ]);
    expect(h.served.requests.slice(0, 2)).toEqual([
      'PUT /api/v2/files/blobs',
      'POST /api/v2/scenarios/apply',
    ]);
    expect(runRequests(h)).toEqual(Array(3).fill('GET /api/v2/scenario-runs/run-1'));
  });

  it("exits 1 when the run failed, with the node's error", async () => {
    const h = await world.start();
    h.brain.nextRun = defaultRun({ failing: true });
    const result = await h.octl(['scen', 'apply', scenarioFolder(), 'default', '--stop-on-error'], {
      tty: true,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('  start    helloPrinter  tentacle-2  failed: exit status 3\n');
    expect(result.stdout).toContain('run run-1: failed: 1 step(s) failed\n');
    expect(result.stderr).toBe('octl: scenario run run-1 failed: 1 step(s) failed\n');
    expect(h.brain.applied[0]).toMatchObject({ target: 'default', stopOnError: true });
  });

  it('prints the final run as JSON with -o json (the default off a terminal), without the live lines', async () => {
    const h = await world.start();
    const result = await h.octl(['scen', 'apply', scenarioFolder(), 'prepare']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual({ ...defaultRun().at(-1), target: 'prepare' });
    const asked = await h.octl(['scen', 'apply', scenarioFolder(), '-o', 'json'], { tty: true });
    expect(JSON.parse(asked.stdout)).toMatchObject({ id: 'run-2', state: 'success' });
  });

  it('prints every issue of a refused folder as file:line: field: message, and exits 1', async () => {
    const h = await world.start();
    const issues = [
      { file: 'deployment.yaml', line: 2, field: 'description', message: 'is required' },
      { file: 'deployment.yaml', line: 9, field: 'applications[0].nodes[1]', message: 'pi-9 is not a node' },
      { file: 'alias.yaml', line: null, field: '', message: 'the file is not YAML' },
    ];
    const formatted = [
      'deployment.yaml:2: description: is required',
      'deployment.yaml:9: applications[0].nodes[1]: pi-9 is not a node',
      'alias.yaml: the file is not YAML',
    ];
    h.brain.refuseApply = {
      status: 422,
      code: 'invalid_scenario',
      // The structured issues are what octl prints (the message's own lines are for older clients).
      message: 'the scenario is not valid',
      extra: { issues },
    };
    const dir = scenarioFolder();
    const result = await h.octl(['scen', 'apply', dir], { tty: true });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `${formatted.join('\n')}\noctl: ${dir} is not a valid scenario (3 issues)\n`,
    });
    expect(runRequests(h)).toEqual([]);
  });

  it('checks the folder before sending anything, and refuses commit without -m', async () => {
    const h = await world.start();
    const missing = await h.octl(['scen', 'apply', 'nope']);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'octl: cannot apply nope: no such folder\n' });
    const empty = mkdtempSync(join(world.dir, 'empty-'));
    const notScenario = await h.octl(['scen', 'apply', empty]);
    expect(notScenario.code).toBe(1);
    expect(notScenario.stderr).toContain('it has no deployment.yaml, so it is not a scenario folder');
    const commit = await h.octl(['scen', 'apply', scenarioFolder(), 'commit']);
    expect(commit.code).toBe(2);
    expect(commit.stderr).toBe(
      'octl: target commit records a new version and needs its message: -m <message>\n',
    );
    expect(h.served.requests).toEqual([]);
  });

  it('has the brain fetch the folder with --git, the first argument being the target', async () => {
    const h = await world.start();
    const url = 'http://git.lab:3000/alice/helloWorld.git';
    const result = await h.octl(['scen', 'apply', '--git', url, 'commit', '-m=tested', '--ref', 'v2']);
    expect(result.code).toBe(0);
    expect(h.brain.applied).toEqual([
      { git: { url, ref: 'v2' }, target: 'commit', message: 'tested', stopOnError: false },
    ]);
    expect(h.served.requests).not.toContain('PUT /api/v2/files/blobs');
  });

  it('stops following on Ctrl-C and says the run goes on (exit 130)', async () => {
    const h = await world.start();
    const planned = defaultRun()[0];
    h.brain.nextRun = [planned, advance(planned, { 0: { state: 'running' } })];
    const signals = new EventEmitter();
    let sent = false;
    const result = await h.octl(['scen', 'apply', scenarioFolder()], {
      tty: true,
      signals,
      onStdout: (all) => {
        if (!sent && all.includes('stage 1/4')) {
          sent = true;
          setImmediate(() => signals.emit('SIGINT'));
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toBe(
      'octl: stopped following run run-1; it goes on on the brain (look at it with: octl scen run run-1)\n',
    );
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });
});

describe('octl scen get, version, reset, runs, run', () => {
  const version = (hash: string, message: string) => ({
    hash,
    message,
    time: '2024-06-18T12:00:00.000Z',
    snapshot: [],
  });

  it('prints the scenarios, or one, as the brain answers', async () => {
    const h = await world.start();
    const scenario = {
      name: 'helloWorld',
      description: 'hello',
      workgroup: '',
      version: version(HASH_A, 'prepare'),
      apps: [{ name: 'helloPrinter', description: 'prints', nodeApps: [{ node: 'pi-1', version: HASH_B }] }],
    };
    h.brain.scenarios = [scenario];
    for (const argv of [
      ['scen', 'get'],
      ['scen', 'get', 'ALL'],
    ]) {
      const all = await h.octl(argv);
      expect(JSON.parse(all.stdout)).toEqual([scenario]);
    }
    const one = await h.octl(['scen', 'get', 'helloWorld']);
    expect(JSON.parse(one.stdout)).toEqual(scenario);
    const table = await h.octl(['scen', 'get', 'helloWorld'], { tty: true });
    expect(table.stdout).toContain('helloPrinter  pi-1  b00000000000');
    const missing = await h.octl(['scen', 'get', 'nope']);
    expect(missing).toMatchObject({ code: 1, stderr: 'octl: no scenario nope\n' });
    expect(h.served.requests).toEqual([
      'GET /api/v2/scenarios',
      'GET /api/v2/scenarios',
      'GET /api/v2/scenarios/helloWorld',
      'GET /api/v2/scenarios/helloWorld',
      'GET /api/v2/scenarios/nope',
    ]);
  });

  it('sends -o and -l of scen version as offset and limit (defaults 0 and 5)', async () => {
    const h = await world.start();
    h.brain.scenarios = [{ name: 'hw', description: '', workgroup: '', version: null, apps: [] }];
    h.brain.versions.set(
      'hw',
      ['c', 'b', 'a'].map((m) => version(m.repeat(40), m)),
    );
    const paged = await h.octl(['scen', 'version', 'hw', '-o', '1', '-l', '1']);
    expect(paged.code).toBe(0);
    expect(JSON.parse(paged.stdout)).toEqual([version('b'.repeat(40), 'b')]);
    expect((await h.octl(['scen', 'version', 'hw', '-o=2', '--output', 'json'])).stdout).toContain('"a"');
    await h.octl(['-o', 'yaml', 'scen', 'version', 'hw']);
    expect(h.served.requests).toEqual([
      'GET /api/v2/scenarios/hw/versions?offset=1&limit=1',
      'GET /api/v2/scenarios/hw/versions?offset=2&limit=5',
      'GET /api/v2/scenarios/hw/versions?offset=0&limit=5',
    ]);
    const bad = await h.octl(['scen', 'version', 'hw', '-o', 'json']);
    expect(bad).toMatchObject({
      code: 2,
      stderr:
        'octl: -o here is the offset (as in Octopoda), got "json": give the output format as --output json\n',
    });
  });

  it('resets a scenario with -v and -m and follows the run', async () => {
    const h = await world.start();
    h.brain.scenarios = [{ name: 'hw', description: '', workgroup: '', version: null, apps: [] }];
    const planned = run([step(0, 0, 'reset', { app: 'helloPrinter' }), step(1, 1, 'record')]);
    h.brain.nextRun = [
      planned,
      advance(
        planned,
        {
          0: { state: 'success', nodes: [node('pi-1', 'success')] },
          1: { state: 'success', detail: HASH_A },
        },
        { state: 'success' },
      ),
    ];
    const result = await h.octl(['scen', 'reset', 'hw', '-v', 'a1b2', '-m', 'back'], { tty: true });
    expect(result.code).toBe(0);
    expect(h.brain.resets).toEqual([{ what: 'scenario hw', body: { version: 'a1b2', message: 'back' } }]);
    expect(result.stdout).toContain('  reset   helloPrinter  pi-1   success\n');
    expect(result.stdout).toMatch(/run run-1: success\nversion a{40}\n$/);
    const missing = await h.octl(['scen', 'reset', 'hw', '-v', 'a1b2']);
    expect(missing).toMatchObject({ code: 2, stderr: 'octl: scen reset needs -m <message>\n' });
  });

  it('lists runs and shows one', async () => {
    const h = await world.start();
    await h.octl(['scen', 'apply', scenarioFolder()]);
    const runs = await h.octl(['scen', 'runs', 'helloWorld', '-l', '3'], { tty: true });
    expect(runs.stdout.split('\n')[0]).toMatch(/^ID\s+SCENARIO\s+TARGET\s+STATE\s+CREATED\s+TOOK\s+ERROR$/);
    expect(runs.stdout).toMatch(/run-1\s+helloWorld\s+default\s+success/);
    const one = await h.octl(['scen', 'run', 'run-1'], { tty: true });
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^run run-1: helloWorld, target default/);
    expect(one.stdout).toMatch(/run run-1: success\nversion a{40}\n$/);
    expect(h.served.requests).toContain('GET /api/v2/scenario-runs?scenario=helloWorld&limit=3');
  });

  it('documents the commands and their examples', async () => {
    const h = await world.start();
    const group = await h.octl(['scen', '--help']);
    for (const verb of ['apply', 'get', 'version', 'reset', 'runs', 'run'])
      expect(group.stdout).toContain(verb);
    const apply = await h.octl(['scen', 'apply', '--help']);
    expect(apply.stdout).toContain('Usage: octl scen apply [options] <scenDir> [target]');
    expect(apply.stdout).toContain("octl scen apply ./helloWorld commit -m 'tested on the lab'");
    const version = await h.octl(['scen', 'version', '--help']);
    expect(version.stdout).toContain('-o here is the offset, as in Octopoda');
    const reset = await h.octl(['scen', 'reset', '--help']);
    expect(reset.stdout).toContain("here -v (--version) is the version to go back to, not octl's version");
  });
});
