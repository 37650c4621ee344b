import { waitFor, type FakeTentacle } from '@octopod/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../../../test/brain-harness';

interface Detail {
  id: string;
  state: string;
  doneAt: string | null;
  counts: Record<string, number>;
  invocations: Array<{ id: string; node: string; state: string; error: string | null }>;
}

describe('task rate control: maxConcurrency and maxErrors (real Postgres, Redis, BullMQ, sockets)', () => {
  let t: TestBrain;
  const create = async (body: Record<string, unknown>) =>
    (await t.api('/api/v2/tasks', { method: 'POST', body })).json() as Detail;
  const detail = async (id: string) => (await t.api(`/api/v2/tasks/${id}`)).json() as Detail;
  const handedOut = (nodes: FakeTentacle[]) => nodes.reduce((sum, node) => sum + node.ran.length, 0);
  const invocationOf = (task: Detail, node: string) => task.invocations.find((i) => i.node === node)?.id;

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['c1', 'c2', 'c3', 'c4', 'e1', 'e2', 'e3', 'e4']) t.pki.client(name);
  });
  afterAll(() => t.stop());

  it('never has more than maxConcurrency invocations out, and hands out the next as one ends', async () => {
    const names = ['c1', 'c2', 'c3', 'c4'];
    const nodes = names.map((name) => t.tentacle(name, { execute: () => 'hold' }));
    await Promise.all(nodes.map((node) => node.join()));
    const task = await create({ targets: names, command: 'work', maxConcurrency: 2 });
    await waitFor(() => handedOut(nodes) === 2, { what: 'two invocations handed out' });
    // Nothing more goes out while both are running.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handedOut(nodes)).toBe(2);
    expect((await detail(task.id)).counts).toMatchObject({ pending: 2 });

    for (let finished = 0; finished < names.length; finished++) {
      const node = nodes.find((n) => n.ran.length === 1 && !n.acked.length) as FakeTentacle;
      await node.report(node.ran[0] as string, { stdout: 'ok\n' });
      const expected = Math.min(names.length, finished + 3);
      await waitFor(() => handedOut(nodes) === expected, { what: `${expected} handed out` });
    }
    const done = await waitFor(async () => {
      const d = await detail(task.id);
      return d.doneAt ? d : undefined;
    });
    expect(done.counts).toMatchObject({ total: 4, success: 4 });
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('stops sending once more than maxErrors invocations failed; what was not sent is cancelled', async () => {
    const names = ['e1', 'e2', 'e3', 'e4'];
    const nodes = names.map((name) =>
      t.tentacle(name, {
        execute: () => ({ state: 'failed', exitCode: 1, stdout: '', error: 'exit status 1' }),
      }),
    );
    await Promise.all(nodes.map((node) => node.join()));
    const task = await create({ targets: names, command: 'false', maxConcurrency: 1, maxErrors: 1 });
    const done = await waitFor(async () => {
      const d = await detail(task.id);
      return d.doneAt ? d : undefined;
    });
    // One at a time: the first failure is within budget, the second exceeds it, the rest are never sent.
    expect(done.counts).toMatchObject({ total: 4, failed: 2, cancelled: 2 });
    expect(handedOut(nodes)).toBe(2);
    const skipped = done.invocations.filter((i) => i.state === 'cancelled');
    expect(skipped.map((i) => i.node)).toEqual(['e3', 'e4']);
    expect(skipped[0]?.error).toMatch(/not sent: 2 nodes failed.*maxErrors 1/);
    expect(invocationOf(done, 'e1')).toBeDefined();
  });

  it('refuses limits that make no sense, naming the field', async () => {
    const bad = async (body: Record<string, unknown>) =>
      t.api('/api/v2/tasks', { method: 'POST', body: { targets: ['c1'], command: 'x', ...body } });
    const zero = await bad({ maxConcurrency: 0 });
    expect(zero.status).toBe(400);
    expect(zero.text).toMatch(/maxConcurrency/);
    expect((await bad({ maxErrors: 1.5 })).text).toMatch(/maxErrors must be an integer/);
    expect((await bad({ maxConcurrency: 2, align: true })).text).toMatch(/align and maxConcurrency/);
  });
});
