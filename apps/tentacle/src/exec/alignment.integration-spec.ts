import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeUplink } from '../testing/fake-uplink';
import { assignment, runnerWorld } from '../testing/task-fixtures';
import type { TaskRunner } from './task-runner';

let world: ReturnType<typeof runnerWorld>;
let runner: TaskRunner;
let uplink: FakeUplink;

beforeEach(() => {
  world = runnerWorld('align-');
  runner = world.open();
  uplink = new FakeUplink();
  runner.attach(uplink);
});

afterEach(async () => {
  await world.cleanup();
});

describe('aligned start refusals', () => {
  const refused = async (task = assignment({ startAt: Date.now() + 500 })) => {
    const reply = await runner.assign(task);
    expect(reply.kind).toBe('error');
    expect(reply.body).toMatchObject({ code: 'align_refused' });
    // Refused means not accepted: nothing journaled, nothing runs, the brain may try the id again.
    expect(runner.active).toBe(0);
    return (reply.body as { message: string }).message;
  };

  it('refuses without a clock estimate (no session, or no round trip yet)', async () => {
    runner.detach(uplink);
    expect(await refused()).toMatch(/not measured/);
    runner.attach(Object.assign(new FakeUplink(), { clock: null }));
    expect(await refused()).toMatch(/not measured/);
  });

  it('refuses when the error bound of the offset exceeds maxAlignErrorMs', async () => {
    uplink.clock = { delayMs: 30, offsetMs: 0, offsetErrorMs: 30 };
    expect(await refused(assignment({ startAt: Date.now() + 500, maxAlignErrorMs: 10 }))).toMatch(
      /error bound/,
    );
  });

  it('refuses an instant in the past or more than 3 s ahead, on the brain clock converted', async () => {
    expect(await refused(assignment({ startAt: Date.now() - 10 }))).toMatch(/passed/);
    expect(await refused(assignment({ startAt: Date.now() + 3500 }))).toMatch(/away/);
    // The brain is 1 s ahead: its now+500 is our now−500, already past.
    uplink.clock = { delayMs: 0.2, offsetMs: 1000, offsetErrorMs: 0.2 };
    expect(await refused(assignment({ startAt: Date.now() + 500 }))).toMatch(/passed/);
  });

  it('accepts the same id later once the conditions hold (a refusal is not journaled)', async () => {
    runner.detach(uplink);
    const task = assignment({ startAt: Date.now() + 500, command: 'true' });
    await refused(task);
    runner.attach(uplink);
    expect(await runner.assign({ ...task, startAt: Date.now() + 300 })).toMatchObject({
      kind: 'task.accepted',
      body: { duplicate: false },
    });
    expect((await uplink.result(task.invocationId)).state).toBe('success');
  });
});

describe('aligned starts', () => {
  it('starts invocations within 2 ms of the instant, converting the brain clock with the offset', async () => {
    // The brain's clock is 250 ms ahead of ours.
    uplink.clock = { delayMs: 0.2, offsetMs: 250, offsetErrorMs: 0.2 };
    const released: number[] = [];
    const spreads: { released: number; ran: number }[] = [];
    for (let round = 0; round < 5; round++) {
      const localTarget = Date.now() + 400;
      const tasks = [0, 1].map(() =>
        assignment({ startAt: localTarget + 250, command: 'echo "$EPOCHREALTIME"; echo "$#:$1"' }),
      );
      for (const task of tasks) expect((await runner.assign(task)).kind).toBe('task.accepted');
      const results = await Promise.all(tasks.map((task) => uplink.result(task.invocationId)));
      const starts = results.map((r) => (r.startedAt as number) - localTarget);
      const ran = results.map((r) => Number(r.stdout.split('\n')[0].replace(',', '.')) * 1000 - localTarget);
      for (const result of results) {
        expect(result.state).toBe('success');
        // Run with `-c` semantics: no positional parameters leak from the gate.
        expect(result.stdout.split('\n')[1]).toBe('0:');
      }
      // Each command ran after its release, and soon after (a wake-up, not a fork).
      for (const [i, delta] of ran.entries()) expect(delta).toBeGreaterThanOrEqual(starts[i] - 0.5);
      for (const delta of ran) expect(delta).toBeLessThan(100);
      const reported = uplink.started.filter((s) => tasks.some((t) => t.invocationId === s.invocationId));
      expect(reported.map((s) => s.startedAt).sort()).toEqual(results.map((r) => r.startedAt).sort());
      released.push(...starts);
      spreads.push({ released: Math.abs(starts[0] - starts[1]), ran: Math.abs(ran[0] - ran[1]) });
    }
    console.log(
      `aligned starts, ms after the instant: released ${released.map((d) => d.toFixed(3)).join(' ')}; ` +
        `spread per pair: released ${spreads.map((s) => s.released.toFixed(3)).join(' ')}, ` +
        `commands ran ${spreads.map((s) => s.ran.toFixed(3)).join(' ')}`,
    );
    // Never early. On a 2-core machine busy with the rest of the suite a timer or the busy wait is sometimes
    // preempted for a few ms, so the bounds are on medians: starts together, and close to the instant.
    expect(Math.min(...released)).toBeGreaterThanOrEqual(0);
    expect(median(spreads.map((s) => s.released))).toBeLessThanOrEqual(2);
    expect(median(released)).toBeLessThanOrEqual(5);
  });

  it('can cancel an aligned invocation that is parked before its instant: it never runs', async () => {
    const task = assignment({ startAt: Date.now() + 1500, command: 'touch ran' });
    await runner.assign(task);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(runner.cancel(task.invocationId).body.found).toBe(true);
    expect(await uplink.result(task.invocationId)).toMatchObject({ state: 'cancelled', startedAt: null });
    expect(uplink.started).toEqual([]);
  });

  it('runs an aligned script with its own $0', async () => {
    const task = assignment({
      kind: 'script',
      command: 's.sh',
      script: {
        name: 's.sh',
        contentBase64: Buffer.from('echo "$0" >> "$OCTOPODA_OUTPUT"').toString('base64'),
      },
      startAt: Date.now() + 300,
    });
    await runner.assign(task);
    expect((await uplink.result(task.invocationId)).output).toMatch(
      new RegExp(`/scripts/${task.invocationId}-s\\.sh\\n$`),
    );
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
