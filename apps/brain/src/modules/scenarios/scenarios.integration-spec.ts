import { packTar } from '@octopod/files';
import { waitFor } from '@octopod/testing';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../../../test/brain-harness';
import { ScenariosRepository } from './scenarios.repository';

const EXAMPLE = join(__dirname, '../../../../../examples/helloWorld');

interface Run {
  id: string;
  state: string;
  error: string | null;
  steps: Array<{
    kind: string;
    app: string | null;
    target: string | null;
    state: string;
    detail: string | null;
  }>;
}

async function tarOf(dir: string): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await packTar(dir, out, { contentsOnly: true });
  return Buffer.concat(chunks);
}

/** The apply workflow on the brain, with fake tentacles: refusals, stop-on-error, one run at a time. */
describe('scenarios: apply runs through /api/v2 (real Postgres, Redis, BullMQ; fake tentacles)', () => {
  let t: TestBrain;
  const scratch = mkdtempSync(join(tmpdir(), 'octopod-scen-it-'));
  /** helloWorld with `edit` applied to its deployment.yaml. */
  const variant = (name: string, edit: (yaml: string) => string = (y) => y) => {
    const dir = join(scratch, name);
    cpSync(EXAMPLE, dir, { recursive: true });
    writeFileSync(join(dir, 'deployment.yaml'), edit(readFileSync(join(dir, 'deployment.yaml'), 'utf8')));
    return dir;
  };
  const apply = async (dir: string, target: string, extra: Record<string, unknown> = {}) => {
    const uploaded = await t.api('/api/v2/files/blobs', {
      method: 'PUT',
      rawBody: await tarOf(dir),
      headers: { 'content-type': 'application/octet-stream' },
    });
    const { sha256 } = uploaded.json() as { sha256: string };
    return t.api('/api/v2/scenarios/apply', { method: 'POST', body: { blob: sha256, target, ...extra } });
  };
  const ended = async (id: string): Promise<Run> => {
    let run!: Run;
    await waitFor(
      async () => {
        run = (await t.api(`/api/v2/scenario-runs/${id}`)).json() as Run;
        return run.state !== 'running';
      },
      { timeoutMs: 20_000 },
    );
    return run;
  };

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['tentacle-1', 'tentacle-2', 'tentacle-3']) {
      t.pki.client(name);
      await t
        .tentacle(name, {
          // worldPrinter's start fails on tentacle-2; a `hold` script never ends.
          execute: (assign) => {
            const script = assign.script?.name ?? '';
            if (assign.env.HOLD === '1') return 'hold';
            if (name === 'tentacle-2' && script === 'start.sh' && assign.app?.app === 'worldPrinter') {
              return { state: 'failed', exitCode: 3, stderr: 'world refused to start\n' };
            }
            return {};
          },
        })
        .join();
    }
  });
  afterAll(() => t.stop());

  it('refuses an invalid folder with every issue (file, line, field) and starts nothing', async () => {
    const dir = variant('invalid', (y) =>
      y
        .replace("    description: 'writes world into world.txt'\n", '')
        .replace('nodes: [tentacle-1]', 'nodes: [ghost]'),
    );
    const res = await apply(dir, 'default');
    expect(res.status, res.text).toBe(422);
    const body = res.json() as { code: string; issues: Array<{ file: string; line: number; field: string }> };
    expect(body.code).toBe('invalid_scenario');
    expect(body.issues.map((i) => [i.file, i.field])).toEqual([
      ['deployment.yaml', 'applications[1].description'],
      ['deployment.yaml', 'applications[0].nodes'],
    ]);
    expect(body.issues.every((i) => Number.isInteger(i.line) && i.line > 0)).toBe(true);
    expect((await t.api('/api/v2/scenario-runs')).json()).toEqual([]);

    const broken = await apply(
      variant('broken', (y) => y.replace('  - name: worldPrinter', '  - name: [worldPrinter')),
      'prepare',
    );
    expect(broken.status).toBe(422);
    expect((broken.json() as { issues: unknown[] }).issues[0]).toMatchObject({
      file: 'deployment.yaml',
      line: expect.any(Number),
      message: expect.stringMatching(/not valid YAML/),
    });
  });

  it('refuses targets of a scenario never prepared, and unknown targets', async () => {
    const dir = variant('fresh');
    const start = await apply(dir, 'start');
    expect(start.status).toBe(404);
    expect(start.json()).toMatchObject({ code: 'scenario_not_found' });
    const bad = await t.api('/api/v2/scenarios/apply', { method: 'POST', body: { target: 'start' } });
    expect(bad.status).toBe(400);
    // The brain fetches over http(s) only: never its own disk or its own ssh keys on a caller's behalf.
    for (const url of ['file:///etc', '/var/lib/git/secret.git', 'ssh://git@internal/x.git']) {
      const res = await t.api('/api/v2/scenarios/apply', {
        method: 'POST',
        body: { git: { url, ref: 'main' } },
      });
      expect(res.status, url).toBe(400);
      expect((res.json() as { message: string }).message).toMatch(/must be an http\(s\) URL/);
    }
  });

  it('goes on past a failed script by default (as Octopoda), and reports the node and why', async () => {
    const res = await apply(variant('goes-on'), 'default', { message: 'one' });
    expect(res.status, res.text).toBe(202);
    const run = await ended((res.json() as Run).id);
    expect(run.state).toBe('failed');
    expect(run.error).toBe('1 step(s) failed');
    const start = run.steps.filter((s) => s.target === 'start');
    expect(start.map((s) => [s.app, s.state])).toEqual([
      ['helloPrinter', 'success'],
      ['worldPrinter', 'failed'],
      ['helloWorldPrinter', 'success'],
    ]);
    expect(start[1].detail).toMatch(/tentacle-2: .*world refused to start|tentacle-2: exit/);
    const versions = (await t.api('/api/v2/scenarios/helloWorld/versions')).json() as Array<{
      message: string;
    }>;
    expect(versions.map((v) => v.message)).toEqual(['one']);
  });

  it('with stopOnError, skips everything after the failed stage', async () => {
    const res = await apply(variant('stops'), 'start', { stopOnError: true });
    const run = await ended((res.json() as Run).id);
    expect(run.state).toBe('failed');
    expect(run.steps.map((s) => [s.app, s.state])).toEqual([
      ['helloPrinter', 'success'],
      ['worldPrinter', 'failed'],
      ['helloWorldPrinter', 'skipped'],
    ]);
  });

  it('runs one apply of a scenario at a time', async () => {
    const held = variant('held', (y) =>
      y.replace('nodes: [tentacle-1]\n', "nodes: [tentacle-1]\n    env: {HOLD: '1'}\n"),
    );
    const first = await apply(held, 'greet');
    expect(first.status, first.text).toBe(202);
    const second = await apply(variant('second'), 'stop');
    expect(second.status).toBe(409);
    expect(second.json()).toMatchObject({ code: 'scenario_busy' });
    // Cancelling the held task ends the step, and with it the run.
    const [step] = (first.json() as Run & { steps: Array<{ taskId: string }> }).steps;
    expect((await t.api(`/api/v2/tasks/${step.taskId}/cancel`, { method: 'POST' })).status).toBe(200);
    const run = await ended((first.json() as Run).id);
    expect(run.state).toBe('failed');
    expect(run.steps[0].detail).toMatch(/tentacle-1: /);
  });

  it('never lets an older nodeapp report replace a newer one (a task read late)', async () => {
    const repo = t.brain.app.get(ScenariosRepository);
    const now = Date.now();
    const head = () =>
      repo
        .find('helloWorld')
        .then((s) =>
          s!.apps.find((a) => a.name === 'helloPrinter')!.nodeApps.find((n) => n.node === 'tentacle-1'),
        );
    expect(
      await repo.recordNodeApp('helloWorld', 'helloPrinter', 'tentacle-1', 'b'.repeat(40), new Date(now)),
    ).toBe(true);
    expect(
      await repo.recordNodeApp(
        'helloWorld',
        'helloPrinter',
        'tentacle-1',
        'a'.repeat(40),
        new Date(now - 1000),
      ),
    ).toBe(false);
    expect((await head())!.version).toBe('b'.repeat(40));
    expect(
      await repo.recordNodeApp('helloWorld', 'helloPrinter', 'tentacle-1', 'b'.repeat(40), new Date(now + 1)),
    ).toBe(false);
  });

  it('lets only one of two racing runs of a scenario start (a unique index, not just a check)', async () => {
    const repo = t.brain.app.get(ScenariosRepository);
    const run = (id: string) => ({ id, scenario: 'raced', target: 'start', message: '', stopOnError: false });
    const [a, b] = await Promise.all([repo.createRun(run('race-a'), []), repo.createRun(run('race-b'), [])]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    await repo.endRun((a ?? b)!.id, 'success', null);
    expect(await repo.createRun(run('race-c'), [])).not.toBeNull();
  });

  it('queues a run stored without its job when the brain starts (it stopped between the two)', async () => {
    const repo = t.brain.app.get(ScenariosRepository);
    const orphan = { id: 'orphan', scenario: 'orphaned', target: 'start', message: '', stopOnError: false };
    expect(await repo.createRun(orphan, [])).not.toBeNull();
    await t.restart();
    expect((await ended('orphan')).state).toBe('success');
  });
});
