import type { FakeTentacle } from '@octopod/testing';
import { waitFor } from '@octopod/testing';
import type { PakmaCommand, PakmaResult } from '@octopod/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type TestBrain } from '../../../test/brain-harness';

interface FakePakmaState {
  state_type: number;
  curr_version?: string;
  last_version?: string;
  preview_version?: string;
}

/**
 * A node's pakma as a small state machine: an upgrade previews, then (after 300 ms) either confirms — the node
 * comes back with the new version — or rolls back, as a release whose tentacle never reconnects would.
 */
class FakeNode {
  state: FakePakmaState = { state_type: 2, curr_version: '1.0.0' };
  readonly asked: string[] = [];
  tentacle!: FakeTentacle;

  constructor(
    private readonly t: TestBrain,
    readonly name: string,
    private readonly releaseWorks: (version: string) => boolean,
  ) {}

  async join(version = '1.0.0'): Promise<void> {
    this.tentacle = this.t.tentacle(this.name, { version, pakma: (command) => this.answer(command) });
    await this.tentacle.join();
  }

  private answer(command: PakmaCommand): PakmaResult {
    this.asked.push(command.command + (command.version ? ` ${command.version}` : ''));
    const ok = (body: object) => ({ status: 200, body: JSON.stringify({ msg: 'OK', ...body }) });
    if (command.command === 'state') return ok(this.state);
    if (command.command !== 'upgrade' || !command.version)
      return { status: 400, body: '{"msg":"unsupported"}' };
    const version = command.version;
    const current = this.state.curr_version;
    this.state = { state_type: 3, curr_version: current, preview_version: version };
    if (version === '7.7.7') return { status: 200, body: '{"msg":"OK"}' }; // previews for good
    setTimeout(() => {
      if (!this.releaseWorks(version)) {
        this.state = { state_type: 2, curr_version: current };
        return;
      }
      this.state = { state_type: 2, curr_version: version, last_version: current };
      this.tentacle.socket.close();
      void this.join(version);
    }, 300);
    return { status: 200, body: '{"msg":"OK"}' };
  }
}

describe('pakma: commands to nodes, rollouts in waves (real Postgres, Redis, BullMQ, sockets)', () => {
  let t: TestBrain;
  const nodes: FakeNode[] = [];
  const v1 = (form: Record<string, string>) =>
    t.api('/api/v1/pakma', {
      method: 'POST',
      headers: {
        rootpath: '',
        currentpath: '',
        password: ROOT_PASSWORD,
        'content-type': 'application/x-www-form-urlencoded',
      },
      rawBody: new URLSearchParams(form).toString(),
    });
  const rolloutOf = async (id: string) =>
    (await t.api(`/api/v2/rollouts/${id}`)).json() as {
      state: string;
      error: string | null;
      waves: Array<{ state: string; nodes: Array<{ node: string; state: string; detail?: string }> }>;
    };

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['up-1', 'up-2', 'up-3']) {
      t.pki.client(name);
      // 2.0.0 works everywhere; 6.6.6 never comes back.
      const node = new FakeNode(t, name, (version) => version !== '6.6.6');
      await node.join();
      nodes.push(node);
    }
  });
  afterAll(() => t.stop());

  it("answers Octopoda's POST /pakma with each node's raw pakma JSON", async () => {
    const res = await v1({ command: 'state', targetNodes: JSON.stringify(['up-1', 'brain']) });
    expect(res.status, res.text).toBe(200);
    const [node, brain] = res.json() as Array<{ Name: string; Code: number; Result: string }>;
    expect(node).toMatchObject({ Name: 'up-1', Code: 0 });
    expect(JSON.parse(node.Result)).toEqual({ msg: 'OK', state_type: 2, curr_version: '1.0.0' });
    // No pakma runs on this brain's host: Octopoda's "Pakma request error" Result.
    expect(brain.Name).toBe('brain');
    expect(JSON.parse(brain.Result)).toMatchObject({ Rmsg: 'Pakma request error' });
    const bad = await v1({ command: 'upgrade', version: '1.x', targetNodes: '["up-1"]' });
    expect(bad.status).toBe(400);
    const unknown = await v1({ command: 'state', targetNodes: '["nobody"]' });
    expect(unknown.status).toBe(400);
  });

  it('refuses bad /api/v2/pakma and rollout requests with what is wrong', async () => {
    const noVersion = await t.api('/api/v2/pakma', {
      method: 'POST',
      body: { command: 'upgrade', targets: ['up-1'] },
    });
    expect([noVersion.status, (noVersion.json() as { message: string }).message]).toEqual([
      400,
      'version: upgrade needs one',
    ]);
    const badWaves = await t.api('/api/v2/rollouts', {
      method: 'POST',
      body: { version: '2.0.0', targets: ['up-1'], waves: '0,rest' },
    });
    expect([badWaves.status, (badWaves.json() as { message: string }).message]).toEqual([
      400,
      'waves: "0" is not a count, a percentage (10%) or rest',
    ]);
    const state = await t.api('/api/v2/pakma', {
      method: 'POST',
      body: { command: 'state', targets: ['up-2'] },
    });
    expect((state.json() as { results: unknown[] }).results).toEqual([
      expect.objectContaining({
        node: 'up-2',
        reached: true,
        status: 200,
        answer: expect.objectContaining({ curr_version: '1.0.0' }),
      }),
    ]);
  });

  it('upgrades every node wave by wave when each confirms and comes back with the version', async () => {
    const started = await t.api('/api/v2/rollouts', {
      method: 'POST',
      body: {
        version: '2.0.0',
        targets: ['up-1', 'up-2', 'up-3'],
        waves: '1,1,rest',
        pollSeconds: 0.2,
        waveTimeoutSeconds: 20,
      },
    });
    expect(started.status, started.text).toBe(201);
    const { id } = started.json() as { id: string };
    await waitFor(async () => (await rolloutOf(id)).state !== 'running', { timeoutMs: 30_000 });
    const rollout = await rolloutOf(id);
    expect(rollout.state, rollout.error ?? '').toBe('succeeded');
    expect(rollout.waves.map((w) => [w.state, w.nodes.map((n) => `${n.node}:${n.state}`)])).toEqual([
      ['succeeded', ['up-1:confirmed']],
      ['succeeded', ['up-2:confirmed']],
      ['succeeded', ['up-3:confirmed']],
    ]);
    const listed = (await t.api('/api/v2/nodes')).json() as {
      nodes: Array<{ name: string; version: string }>;
    };
    expect(listed.nodes.filter((n) => n.name.startsWith('up-')).map((n) => n.version)).toEqual([
      '2.0.0',
      '2.0.0',
      '2.0.0',
    ]);
  });

  it('stops at a canary that rolls back: later waves never start', async () => {
    for (const node of nodes) node.asked.length = 0;
    const started = await t.api('/api/v2/rollouts', {
      method: 'POST',
      body: { version: '6.6.6', targets: ['up-1', 'up-2', 'up-3'], pollSeconds: 0.2, waveTimeoutSeconds: 20 },
    });
    const { id } = started.json() as { id: string };
    await waitFor(async () => (await rolloutOf(id)).state !== 'running', { timeoutMs: 30_000 });
    const rollout = await rolloutOf(id);
    expect(rollout.state).toBe('failed');
    expect(rollout.error).toMatch(
      /^wave 1 failed \(up-1: rolled back: still runs 2\.0\.0\); later waves not started$/,
    );
    expect(rollout.waves.map((w) => w.state)).toEqual(['failed', 'skipped', 'skipped']);
    expect(nodes[0].asked).toContain('upgrade 6.6.6');
    expect([...nodes[1].asked, ...nodes[2].asked].filter((a) => a.startsWith('upgrade'))).toEqual([]);
    const list = (await t.api('/api/v2/rollouts')).json() as { rollouts: Array<{ id: string }> };
    expect(list.rollouts[0].id).toBe(id);
  });

  it('refuses a rollout over nodes a running rollout holds, naming it', async () => {
    const stuck = await t.api('/api/v2/rollouts', {
      method: 'POST',
      body: { version: '7.7.7', targets: ['up-1'], pollSeconds: 0.2, waveTimeoutSeconds: 3 },
    });
    const { id } = stuck.json() as { id: string };
    const busy = await t.api('/api/v2/rollouts', {
      method: 'POST',
      body: { version: '2.0.0', targets: ['up-1', 'up-2'], waves: 'rest' },
    });
    expect([busy.status, busy.json()]).toEqual([
      409,
      expect.objectContaining({
        code: 'rollout_busy',
        rollout: id,
        message: `rollout ${id} is still running on up-1`,
      }),
    ]);
    await waitFor(async () => (await rolloutOf(id)).state !== 'running', { timeoutMs: 15_000 });
    expect((await rolloutOf(id)).error).toMatch(/no confirmation of 7\.7\.7 within 3 s/);
  });
});
