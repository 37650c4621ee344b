// `octl napp` against a fake brain over HTTPS, through the SDK.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scenarioWorld, type Harness } from '../scen/fake-scenarios.helper-spec';
import { advance, HASH_A, HASH_B, node, run, step } from '../scen/run-fixtures.helper-spec';

let world: ReturnType<typeof scenarioWorld>;
beforeAll(() => {
  world = scenarioWorld('octopod-octl-napp-');
});
afterEach(() => world.stopBrains());
afterAll(() => world.remove());

const versions = [
  { hash: HASH_B, message: 'hotfix', time: '2024-06-18T12:00:02.000Z' },
  { hash: HASH_A, message: 'prepare', time: '2024-06-18T12:00:01.000Z' },
];
const printer = {
  name: 'helloPrinter@helloWorld',
  app: 'helloPrinter',
  scenario: 'helloWorld',
  description: 'prints hello',
  head: HASH_B,
  dirty: false,
  versions,
};
const other = { ...printer, name: 'worldPrinter@helloWorld', app: 'worldPrinter', versions: [] };

async function start(): Promise<Harness> {
  const h = await world.start();
  h.brain.nodeApps.set('pi-1', [printer, other]);
  return h;
}

describe('octl napp', () => {
  it("get: a node's nodeapps, or one of them", async () => {
    const h = await start();
    for (const argv of [
      ['napp', 'get', 'pi-1'],
      ['napp', 'get', 'pi-1', 'ALL'],
    ])
      expect(JSON.parse((await h.octl(argv)).stdout)).toEqual([printer, other]);
    const one = await h.octl(['napp', 'get', 'pi-1', 'helloPrinter@helloWorld']);
    expect(JSON.parse(one.stdout)).toEqual(printer);
    const missing = await h.octl(['napp', 'get', 'pi-1', 'db@helloWorld']);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'octl: node pi-1 has no nodeapp db@helloWorld (it has: helloPrinter@helloWorld, worldPrinter@helloWorld)\n',
    });
    const bad = await h.octl(['napp', 'get', 'pi-1', 'helloPrinter']);
    expect(bad).toMatchObject({ code: 2, stderr: 'octl: "helloPrinter" is not <app>@<scenario>\n' });
    const table = await h.octl(['napp', 'get', 'pi-1'], { tty: true });
    expect(table.stdout.split('\n')[0]).toMatch(/^NODEAPP\s+HEAD\s+CHANGED\s+LATEST VERSION\s+DESCRIPTION$/);
  });

  it('version: -o and -l go as offset and limit', async () => {
    const h = await start();
    const result = await h.octl(['napp', 'version', 'pi-1', 'helloPrinter@helloWorld', '-o', '1', '-l', '2']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([versions[1]]);
    await h.octl(['napp', 'version', 'pi-1', 'helloPrinter@helloWorld']);
    expect(h.served.requests).toEqual([
      'GET /api/v2/nodes/pi-1/apps/helloPrinter%40helloWorld/versions?offset=1&limit=2',
      'GET /api/v2/nodes/pi-1/apps/helloPrinter%40helloWorld/versions?offset=0&limit=5',
    ]);
  });

  it('reset: prints the nodeapp, then resets it and follows the run', async () => {
    const h = await start();
    const planned = run([step(0, 0, 'reset', { app: 'helloPrinter' }), step(1, 1, 'record')], {
      target: 'napp-reset',
    });
    h.brain.nextRun = [
      planned,
      advance(
        planned,
        {
          0: { state: 'success', nodes: [node('pi-1', 'success')] },
          1: { state: 'success', detail: HASH_B },
        },
        { state: 'success' },
      ),
    ];
    const result = await h.octl(
      ['napp', 'reset', 'pi-1', 'helloPrinter@helloWorld', '-v', 'aaaa', '-m', 'undo the hotfix'],
      { tty: true },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'nodeapp helloPrinter@helloWorld on pi-1: prints hello',
      `head: ${HASH_B}`,
      '',
    ]);
    const info = lines.indexOf('VERSION       TIME                 MESSAGE');
    const follow = lines.findIndex((l) => l.startsWith('run run-1: helloWorld, target napp-reset'));
    expect(info).toBeGreaterThan(0);
    expect(follow).toBeGreaterThan(info);
    expect(lines.slice(follow + 1)).toEqual([
      'stage 1/2: reset helloPrinter',
      '  reset   helloPrinter  pi-1   success',
      'stage 2/2: record',
      `  record  -             brain  success: ${HASH_B}`,
      'run run-1: success',
      `version ${HASH_B}`,
      '',
    ]);
    expect(h.brain.resets).toEqual([
      {
        what: 'nodeapp helloPrinter@helloWorld on pi-1',
        body: { version: 'aaaa', message: 'undo the hotfix' },
      },
    ]);
    expect(h.served.requests.slice(0, 3)).toEqual([
      'GET /api/v2/nodes/pi-1/apps',
      'POST /api/v2/nodes/pi-1/apps/helloPrinter%40helloWorld/reset',
      'GET /api/v2/scenario-runs/run-1',
    ]);
  });

  it('reset: one JSON document off a terminal, and nothing reset for a nodeapp the node lacks', async () => {
    const h = await start();
    h.brain.nextRun = [run([], { state: 'success' })];
    const result = await h.octl(['napp', 'reset', 'pi-1', 'helloPrinter@helloWorld', '--version=aa', '-m=x']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      nodeApp: printer,
      run: expect.objectContaining({ id: 'run-1', state: 'success' }),
    });
    const missing = await h.octl(['napp', 'reset', 'pi-1', 'db@helloWorld', '-v', 'aa', '-m', 'x']);
    expect(missing.code).toBe(1);
    expect(h.brain.resets).toHaveLength(1);
    const incomplete = await h.octl(['napp', 'reset', 'pi-1', 'helloPrinter@helloWorld', '-m', 'x']);
    expect(incomplete).toMatchObject({ code: 2, stderr: 'octl: napp reset needs -v <version>\n' });
  });

  it('documents the commands', async () => {
    const h = await start();
    const group = await h.octl(['napp', '--help']);
    for (const verb of ['get', 'version', 'reset']) expect(group.stdout).toContain(verb);
    const reset = await h.octl(['napp', 'reset', '--help']);
    expect(reset.stdout).toContain(
      'Usage: octl napp reset [options] <node> <app>@<scen> -v <version> -m <message>',
    );
    expect(reset.stdout).toContain(
      "octl napp reset pi-1 helloPrinter@helloWorld -v 9b1e04 -m 'undo the hotfix'",
    );
  });
});
