import { describe, expect, it } from 'vitest';
import {
  acceptedLine,
  compactRecords,
  finishedLine,
  formatRecords,
  JOURNAL_RETENTION_MS,
  replayJournal,
} from './journal';

const day = 24 * 3600 * 1000;

describe('journal replay', () => {
  it('rebuilds accepted and finished ids from the lines', () => {
    const text = acceptedLine('a', 1) + acceptedLine('b', 2) + finishedLine('a') + acceptedLine('c', 3);
    expect([...replayJournal(text).values()]).toEqual([
      { id: 'a', acceptedAt: 1, finished: true },
      { id: 'b', acceptedAt: 2, finished: false },
      { id: 'c', acceptedAt: 3, finished: false },
    ]);
  });

  it('skips a line torn by a crash and lines it does not know', () => {
    const text = `${acceptedLine('a', 1)}{"f":"a"}\n{"x":1}\n{"a":"b","t":`;
    expect([...replayJournal(text).values()]).toEqual([{ id: 'a', acceptedAt: 1, finished: true }]);
  });

  it('ignores a finish for an id it never saw accepted', () => {
    expect(replayJournal(finishedLine('ghost')).size).toBe(0);
  });
});

describe('journal compaction', () => {
  const now = 100 * day;
  const records = [
    { id: 'old-done', acceptedAt: now - 8 * day, finished: true },
    { id: 'old-open', acceptedAt: now - 8 * day, finished: false },
    { id: 'recent-done', acceptedAt: now - 6 * day, finished: true },
    { id: 'edge', acceptedAt: now - JOURNAL_RETENTION_MS, finished: true },
  ];

  it('keeps finished ids for 7 days and unfinished ones until they are finished', () => {
    expect(compactRecords(records, now).map((r) => r.id)).toEqual(['old-open', 'recent-done']);
    expect(compactRecords(records, now, 30 * day)).toHaveLength(4);
  });

  it('writes what it keeps so that replaying it gives the same records', () => {
    const kept = compactRecords(records, now);
    expect([...replayJournal(formatRecords(kept)).values()]).toEqual(kept);
  });
});
