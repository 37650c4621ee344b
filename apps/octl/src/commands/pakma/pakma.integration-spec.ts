// `octl pakma` against an in-memory brain: Octopoda's command syntax, every node's answer, rollouts followed live.
import type { PakmaCommandRequest, PakmaResults, Rollout, RolloutRequest, RolloutWave } from '@octopod/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeFileBrain, octlWith, type Run } from '../file/fake-files.helper-spec';
import { taskFleet } from '../cmd/fake-tasks.helper-spec';
import type { PakmaApi } from './pakma-api';

/** The task fleet, whose pakma answers STABLE 1.0.0 (pi-2 has none); rollouts advance one step per read. */
class FakePakmaBrain extends FakeFileBrain implements PakmaApi {
  readonly sent: PakmaCommandRequest[] = [];
  private reads = 0;
  private readonly steps: Rollout[] = [];

  async pakmaCommand(body: PakmaCommandRequest): Promise<PakmaResults> {
    this.sent.push(body);
    return {
      results: body.targets.map((node: string) =>
        node === 'pi-2'
          ? {
              node,
              reached: true,
              status: 0,
              text: 'Pakma request error: connect ECONNREFUSED 127.0.0.1:3450',
            }
          : {
              node,
              reached: true,
              status: 200,
              answer: { msg: 'OK', state_type: 2, curr_version: '1.0.0' },
              text: '',
            },
      ),
    };
  }

  async startRollout(body: RolloutRequest): Promise<Rollout> {
    const base = {
      id: 'r-1',
      version: body.version,
      createdBy: 'admin',
      createdAt: '2026-11-24T00:00:00Z',
      endedAt: null,
      error: null,
    };
    const wave = (
      state: RolloutWave['state'],
      nodeState: RolloutWave['nodes'][number]['state'],
      detail?: string,
    ): RolloutWave => ({
      state,
      nodes: [{ node: 'pi-1', state: nodeState, ...(detail ? { detail } : {}) }],
    });
    this.steps.push(
      { ...base, state: 'running', waves: [wave('running', 'upgrading', 'previewing 2.0.0')] },
      body.version === '6.6.6'
        ? {
            ...base,
            state: 'failed',
            error: 'wave 1 failed (pi-1: rolled back: still runs 1.0.0); later waves not started',
            waves: [wave('failed', 'failed', 'rolled back: still runs 1.0.0')],
          }
        : { ...base, state: 'succeeded', waves: [wave('succeeded', 'confirmed', 'runs 2.0.0')] },
    );
    return this.steps[0];
  }

  async getRollout(): Promise<Rollout> {
    return this.steps[Math.min(this.reads++, this.steps.length - 1)];
  }

  async listRollouts() {
    return { rollouts: this.steps.slice(-1) };
  }
}

let brain: FakePakmaBrain;
beforeEach(() => {
  const base = taskFleet();
  brain = new FakePakmaBrain(base.nodes, base.groups);
});
const octl = (argv: string[]): Promise<Run> => octlWith(brain, argv, { tty: true });

describe('octl pakma', () => {
  it("sends Octopoda's commands with their version, glued -t and -l, to brain and nodes", async () => {
    expect((await octl(['pakma', 'upgrade', '1.2.3', 'brain', 'pi-1'])).code).toBe(0);
    expect((await octl(['pakma', 'history', 'pi-1', '-t2026-11-24@10:00:00', '-l5'])).code).toBe(0);
    expect(brain.sent).toEqual([
      { command: 'upgrade', targets: ['brain', 'pi-1'], version: '1.2.3' },
      { command: 'history', targets: ['pi-1'], time: '2026-11-24@10:00:00', limit: 5 },
    ]);
  });

  it("prints each node's answer and fails when a node's pakma did not answer", async () => {
    const run = await octl(['pakma', 'state', 'pi-1', 'pi-2']);
    expect(run.stdout).toBe(
      'pi-1: {"msg":"OK","state_type":2,"curr_version":"1.0.0"}\npi-2: no pakma: Pakma request error: connect ECONNREFUSED 127.0.0.1:3450\n',
    );
    expect([run.code, run.stderr]).toEqual([1, 'octl: pakma did not do it on pi-2\n']);
  });

  it('refuses a version that is not digits and dots, before asking the brain', async () => {
    const run = await octl(['pakma', 'install', 'v1', 'pi-1']);
    expect([run.code, brain.sent]).toEqual([2, []]);
    expect(run.stderr).toMatch(/digits and dots/);
  });

  it('follows a rollout to its end, and exits 1 with the reason when a wave failed', async () => {
    const good = await octl(['pakma', 'rollout', '2.0.0', 'pi-1']);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toBe(
      'wave 1 pi-1: upgrading (previewing 2.0.0)\nwave 1 pi-1: confirmed (runs 2.0.0)\nrollout r-1: 2.0.0 on every node\n',
    );
    brain = new FakePakmaBrain(taskFleet().nodes, taskFleet().groups);
    const bad = await octl(['pakma', 'rollout', '6.6.6', 'pi-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'rollout r-1 failed: wave 1 failed (pi-1: rolled back: still runs 1.0.0); later waves not started',
    );
  });
});
