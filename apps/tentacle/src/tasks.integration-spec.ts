import { waitFor } from '@octopod/testing';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeConnection } from './testing/fake-brain';
import { linkedTentacle, useLinkWorld } from './testing/linked-tentacle';
import { assignment } from './testing/task-fixtures';

const world = useLinkWorld('tentacle-tasks-it-');

/** A real tentacle linked to a fake brain, in a fresh directory, with one configured env pair. */
function linked(brainOptions: { ackResults?: boolean } = {}) {
  return linkedTentacle(world, { brain: brainOptions, config: { env: [{ key: 'LAB', value: 'bench' }] } });
}

const estimated = (connection: FakeConnection) =>
  waitFor(() => connection.heartbeats.some((hb) => hb.offsetMs !== null), { what: 'a clock estimate' });

describe('tasks over the link', () => {
  it('accepts, streams, reports and forgets a result once the brain acknowledges it', async () => {
    const { connection, tentacle, config } = await linked();
    const task = assignment({ command: 'echo "$LAB $OCTOPODA_NODENAME"; echo oops >&2; exit 4' });
    const reply = await connection.peer.request('task.assign', task);
    expect(reply).toMatchObject({
      kind: 'task.accepted',
      body: { invocationId: task.invocationId, duplicate: false },
    });
    const result = await waitFor(() => connection.results.find((r) => r.invocationId === task.invocationId), {
      what: 'result',
    });
    expect(result).toMatchObject({ state: 'failed', exitCode: 4, stdout: 'bench pi-1\n', stderr: 'oops\n' });
    expect(connection.started.map((s) => s.invocationId)).toEqual([task.invocationId]);
    expect(connection.outputs.map((o) => [o.stream, o.offset, o.data]).sort()).toEqual([
      ['stderr', 0, 'oops\n'],
      ['stdout', 0, 'bench pi-1\n'],
    ]);
    await waitFor(() => tentacle.tasks.spooled.length === 0, { what: 'ack to empty the spool' });
    expect(readdirSync(join(config.state.dir, 'results'))).toEqual([]);
    // The default state dir is inside the workspace.
    expect(config.state.dir).toBe(join(config.workspace.root, '.octopod'));

    const again = await connection.peer.request('task.assign', task);
    expect(again.body).toEqual({ invocationId: task.invocationId, duplicate: true });
  });

  it('cancels over the link and answers task.cancel.ok', async () => {
    const { connection } = await linked();
    const task = assignment({ command: 'sleep 30 & wait' });
    await connection.peer.request('task.assign', task);
    await waitFor(() => connection.started.length === 1, { what: 'started' });
    const ok = await connection.peer.request('task.cancel', { invocationId: task.invocationId });
    expect(ok).toMatchObject({
      kind: 'task.cancel.ok',
      body: { invocationId: task.invocationId, found: true },
    });
    const result = await waitFor(() => connection.results[0], { what: 'result' });
    expect(result).toMatchObject({ state: 'cancelled', error: 'Canceled' });
  });

  it('re-sends an unacknowledged result after reconnecting, until acknowledged', async () => {
    const { brain, connection, tentacle } = await linked({ ackResults: false });
    const task = assignment({ command: 'echo once' });
    await connection.peer.request('task.assign', task);
    await waitFor(() => connection.results.length === 1, { what: 'first result' });
    expect(tentacle.tasks.spooled).toHaveLength(1);
    brain.ackResults = true;
    brain.dropAll();
    const next = await brain.nextConnection(1);
    const resent = await waitFor(() => next.results[0], { what: 're-sent result' });
    expect(resent).toMatchObject({ invocationId: task.invocationId, stdout: 'once\n' });
    await waitFor(() => tentacle.tasks.spooled.length === 0, { what: 'spool emptied by the ack' });
    // Re-assigned on the new session (the brain lost track): a duplicate, not a second run.
    expect((await next.peer.request('task.assign', task)).body).toMatchObject({ duplicate: true });
    expect(next.started).toEqual([]);
  });

  it('starts an aligned task at the instant converted with the measured offset, or refuses', async () => {
    const { connection, dir } = await linked();
    await estimated(connection);
    const startAt = Date.now() + 400;
    const task = assignment({ command: 'true', startAt, maxAlignErrorMs: 50 });
    await connection.peer.request('task.assign', task);
    const started = await waitFor(() => connection.started[0], { what: 'started' });
    // The fake brain's clock is ours, so the offset is ~0 within its error bound.
    expect(Math.abs(started.startedAt - startAt)).toBeLessThan(10);
    await expect(
      connection.peer.request('task.assign', assignment({ startAt: Date.now() + 5000, maxAlignErrorMs: 50 })),
    ).rejects.toThrow(/align_refused/);
    expect(existsSync(join(dir, 'workspace'))).toBe(true);
  });
});
