import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatHistoryTime, History, historyLimit, parseHistoryTime } from './history';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pakma-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const at = (text: string) => parseHistoryTime(text)! * 1000;

describe('history times', () => {
  it('formats and parses YYYY-MM-DD@hh:mm:ss in local time', () => {
    const seconds = parseHistoryTime('2026-11-23@09:05:07')!;
    expect(new Date(seconds * 1000).getHours()).toBe(9);
    expect(formatHistoryTime(seconds)).toBe('2026-11-23@09:05:07');
  });

  it.each(['', '2026-11-23', '2026-11-23 09:05:07', '2026-02-30@10:00:00', '2026-11-23@25:00:00'])(
    'does not read %j as a time',
    (text) => expect(parseHistoryTime(text)).toBeUndefined(),
  );

  it('reads limit as Octopoda meant it: absent, 0, negative or junk mean 10', () => {
    expect(historyLimit(null)).toBe(10);
    expect(historyLimit('0')).toBe(10);
    expect(historyLimit('-3')).toBe(10);
    expect(historyLimit('x')).toBe(10);
    expect(historyLimit('2.5')).toBe(10);
    expect(historyLimit('3')).toBe(3);
  });
});

describe('History', () => {
  async function filled(): Promise<History> {
    const history = await History.open(join(dir, 'pakma_history.json'));
    for (let i = 0; i < 15; i++) await history.write(`entry ${i}`, at('2026-11-23@10:00:00') + i * 60_000);
    return history;
  }

  it('answers the entries at or after `time`, at most `limit`', async () => {
    const history = await filled();
    expect(history.search(parseHistoryTime('2026-11-23@10:03:00')!, 2)).toEqual([
      '[2026-11-23@10:03:00]: entry 3',
      '[2026-11-23@10:04:00]: entry 4',
    ]);
    expect(history.search(parseHistoryTime('2026-11-23@10:02:30')!, 1)).toEqual([
      '[2026-11-23@10:03:00]: entry 3',
    ]);
  });

  it('answers the last `limit` entries when none is at or after `time`', async () => {
    const history = await filled();
    expect(history.search(parseHistoryTime('2026-11-24@00:00:00')!, 3)).toEqual([
      '[2026-11-23@10:12:00]: entry 12',
      '[2026-11-23@10:13:00]: entry 13',
      '[2026-11-23@10:14:00]: entry 14',
    ]);
  });

  it("persists in Octopoda's format and reads it back", async () => {
    await filled();
    const path = join(dir, 'pakma_history.json');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as unknown[];
    expect(doc[0]).toEqual({ Timestamp: at('2026-11-23@10:00:00') / 1000, Message: 'entry 0' });
    const again = await History.open(path);
    expect(again.search(0, 100)).toHaveLength(15);
  });

  it('starts empty from a missing or unreadable file', async () => {
    expect((await History.open(join(dir, 'none.json'))).search(0, 10)).toEqual([]);
    writeFileSync(join(dir, 'bad.json'), '{');
    expect((await History.open(join(dir, 'bad.json'))).search(0, 10)).toEqual([]);
  });
});
