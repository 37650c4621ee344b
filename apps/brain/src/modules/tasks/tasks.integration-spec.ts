import { waitFor } from '@octopod/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestBrain, type TestBrain } from '../../../test/brain-harness';

interface Detail {
  id: string;
  state: string;
  doneAt: string | null;
  counts: Record<string, number>;
  invocations: Array<{
    id: string;
    node: string;
    state: string;
    stdout: string;
    error: string | null;
    exitCode: number | null;
    acceptedAt: string | null;
  }>;
}

describe('tasks (real Postgres, Redis, BullMQ, sockets)', () => {
  let t: TestBrain;
  const create = async (body: Record<string, unknown>) => t.api('/api/v2/tasks', { method: 'POST', body });
  const detail = async (id: string) => (await t.api(`/api/v2/tasks/${id}`)).json() as Detail;
  const finished = (id: string) =>
    waitFor(
      async () => {
        const d = await detail(id);
        return d.doneAt ? d : undefined;
      },
      { what: `task ${id} done` },
    );

  beforeAll(async () => {
    t = await startTestBrain();
    for (const name of ['w1', 'w2', 'w3', 'w4', 'w5', 'w6']) t.pki.client(name);
  });
  afterAll(() => t.stop());

  it('runs a command on several nodes and keeps every result', async () => {
    const w1 = t.tentacle('w1');
    const w2 = t.tentacle('w2', {
      execute: () => ({ state: 'failed', exitCode: 3, stdout: '', stderr: 'boom\n', error: 'exit status 3' }),
    });
    await Promise.all([w1.join(), w2.join()]);
    const res = await create({ targets: ['w1', 'w2'], command: 'echo hi' });
    expect(res.status).toBe(201);
    const done = await finished((res.json() as Detail).id);
    expect(done.state).toBe('done');
    expect(done.counts).toMatchObject({ total: 2, success: 1, failed: 1 });
    const [one, two] = done.invocations;
    expect(one).toMatchObject({ node: 'w1', state: 'success', stdout: 'ran: echo hi\n', exitCode: 0 });
    expect(two).toMatchObject({ node: 'w2', state: 'failed', exitCode: 3, error: 'exit status 3' });
    expect(w1.acked).toContain(one?.id);
    // Full output is kept apart from the capped inline copy, and the task shows in the history.
    const historyRes = await t.api('/api/v2/tasks?node=w1');
    const history = historyRes.json() as { items: Array<{ id: string }> };
    expect(
      history.items.map((i) => i.id),
      historyRes.text.slice(0, 400),
    ).toContain(done.id);
  });

  it('refuses unknown targets before anything runs, naming them', async () => {
    const res = await create({ targets: ['w1', 'nosuch'], command: 'true' });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ code: 'unknown_targets', message: expect.stringContaining('nosuch') });
    expect((await create({ targets: [], command: 'true' })).status).toBe(400);
    expect((await create({ targets: ['w1'] })).status).toBe(400);
  });

  it('holds an invocation for a disconnected node and delivers it when the node returns', async () => {
    const first = t.tentacle('w3');
    await first.join();
    await first.close();
    await waitFor(
      async () => ((await t.api('/api/v2/nodes/w3')).json() as { connected: boolean }).connected === false,
    );
    const res = await create({ targets: ['w3'], command: 'late', deliveryTimeoutSeconds: 30 });
    const id = (res.json() as Detail).id;
    await waitFor(async () => (await detail(id)).invocations[0]?.state === 'delayed', { what: 'delayed' });
    const back = t.tentacle('w3');
    await back.join();
    const done = await finished(id);
    expect(done.invocations[0]).toMatchObject({ state: 'success', stdout: 'ran: late\n' });
    expect(back.ran).toHaveLength(1);
  });

  it('times out delivery to a node that does not come back', async () => {
    const gone = t.tentacle('w6');
    await gone.join();
    await gone.close();
    await waitFor(
      async () => ((await t.api('/api/v2/nodes/w6')).json() as { connected: boolean }).connected === false,
    );
    const res = await create({ targets: ['w6'], command: 'never', deliveryTimeoutSeconds: 0.5 });
    const done = await finished((res.json() as Detail).id);
    expect(done.invocations[0]).toMatchObject({ state: 'delivery_timed_out' });
    expect(done.counts.deliveryTimedOut).toBe(1);
  });

  it('cancels a running invocation on its node', async () => {
    const w4 = t.tentacle('w4', { execute: () => 'hold' });
    await w4.join();
    const id = ((await create({ targets: ['w4'], command: 'sleep 30' })).json() as Detail).id;
    await waitFor(async () => (await detail(id)).invocations[0]?.state === 'running', { what: 'running' });
    const cancelled = await t.api(`/api/v2/tasks/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    const done = await finished(id);
    expect(done.state).toBe('cancelled');
    expect(done.invocations[0]).toMatchObject({ state: 'cancelled' });
  });

  it('never lets a node report on another node’s invocation', async () => {
    const w5 = t.tentacle('w5', { execute: () => 'hold' });
    await w5.join();
    const id = ((await create({ targets: ['w5'], command: 'x' })).json() as Detail).id;
    await waitFor(async () => (await detail(id)).invocations[0]?.state === 'running');
    const invocationId = (await detail(id)).invocations[0]?.id as string;
    const other = t.tentacle('w1');
    await other.join();
    await other.report(invocationId, { state: 'failed', error: 'forged' });
    expect((await detail(id)).invocations[0]?.state).toBe('running');
    await t.api(`/api/v2/tasks/${id}/cancel`, { method: 'POST' });
  });

  it('streams invocation states, output and done as server-sent events', async () => {
    const id = ((await create({ targets: ['w1'], command: 'stream me' })).json() as Detail).id;
    const res = await t.api(`/api/v2/tasks/${id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    expect(res.text).toMatch(/event: invocation/);
    expect(res.text).toMatch(/event: output\n(id: \d+\n)?data: .*ran: stream me/);
    expect(res.text).toMatch(/event: done\n(id: \d+\n)?data: .*"state":"done"/);
    expect((await t.api('/api/v2/tasks/00000000-0000-0000-0000-000000000000/events')).status).toBe(404);
  });

  it('answers 503 and leaves no task that would never run when the queue cannot take it', async () => {
    const queue = t.brain.app.get<Queue>(getQueueToken('tasks'));
    const spy = vi.spyOn(queue, 'addBulk').mockRejectedValueOnce(new Error('Connection is closed.'));
    const res = await create({ targets: ['w1'], command: 'never' });
    spy.mockRestore();
    expect(res.status).toBe(503);
    const body = res.json() as { code: string; message: string };
    expect(body).toMatchObject({
      code: 'queue_unavailable',
      message: expect.stringContaining('Connection is closed'),
    });
    const id = /task (\S+) is cancelled/.exec(body.message)?.[1] as string;
    const d = await detail(id);
    expect(d).toMatchObject({ state: 'cancelled', doneAt: expect.any(String) });
    expect(d.invocations[0]).toMatchObject({ state: 'cancelled' });
  });
});
