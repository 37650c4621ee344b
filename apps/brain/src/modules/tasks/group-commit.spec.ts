import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';
import { mergeChanges } from './tasks.repository';

interface Item {
  key: string;
  value: number;
}

function recorder(fail?: (batch: Item[]) => boolean) {
  const batches: Item[][] = [];
  let release: (() => void) | undefined;
  const commit = new GroupCommit<Item, number>(
    (item) => item.key,
    (earlier, later) => ({ key: later.key, value: earlier.value + later.value }),
    async (batch) => {
      batches.push(batch);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
      if (fail?.(batch)) throw new Error('disk on fire');
      return new Map(batch.filter((item) => item.value >= 0).map((item) => [item.key, item.value * 10]));
    },
  );
  return { commit, batches, release: () => release?.() };
}

describe('GroupCommit', () => {
  it('writes what arrives during a flush as one next batch, merging items of the same key', async () => {
    const { commit, batches, release } = recorder();
    const first = commit.submit({ key: 'a', value: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [
      commit.submit({ key: 'b', value: 2 }),
      commit.submit({ key: 'c', value: 3 }),
      commit.submit({ key: 'b', value: 4 }),
    ];
    release();
    expect(await first).toBe(10);
    // Both submitters of `b` learn the merged outcome.
    expect(await Promise.all(later)).toEqual([60, 30, 60]);
    expect(batches.map((batch) => batch.map((item) => item.key))).toEqual([['a'], ['b', 'c']]);
    await commit.settled();
  });

  it('puts items submitted in one turn of the event loop in the same first batch', async () => {
    const { commit, batches, release } = recorder();
    const all = Promise.all([1, 2, 3].map((value) => commit.submit({ key: `k${value}`, value })));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    expect(await all).toEqual([10, 20, 30]);
    expect(batches).toHaveLength(1);
  });

  it('answers undefined for an item the flush left out, and rejects a whole failed batch only', async () => {
    const { commit, release } = recorder((batch) => batch.some((item) => item.key === 'bad'));
    const skipped = commit.submit({ key: 'neg', value: -1 });
    await new Promise((resolve) => setImmediate(resolve));
    const failing = commit.submit({ key: 'bad', value: 1 });
    release();
    expect(await skipped).toBeUndefined();
    await expect(failing).rejects.toThrow('disk on fire');
    expect(await commit.submit({ key: 'ok', value: 2 })).toBe(20);
  });
});

describe('mergeChanges', () => {
  it('lets the later change win field by field, keeping the state change of the earlier one', () => {
    const started = { id: 'i', state: 'running' as const, from: ['pending' as const], pid: 7 };
    const accepted = { id: 'i', acceptedAt: new Date(5) };
    expect(mergeChanges(started, accepted)).toEqual({ ...started, acceptedAt: new Date(5) });
    const result = { id: 'i', state: 'success' as const, from: ['running' as const], exitCode: 0, pid: null };
    expect(mergeChanges(started, result)).toEqual({
      id: 'i',
      state: 'success',
      from: ['running'],
      pid: 7,
      exitCode: 0,
    });
  });
});
