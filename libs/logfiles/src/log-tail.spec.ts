import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logFileName } from './log-names';
import { readLogTail } from './log-tail';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logtail-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const today = new Date(2026, 2, 10, 15, 30);
const now = () => today;
const lines = (day: string, count: number) => Array.from({ length: count }, (_, i) => `${day} ${i + 1}`);

/** Writes `<prefix>` files for days before `today` (0 = today). */
function writeDays(dir: string, days: Record<number, string[]>, prefix = 'tentacle'): void {
  for (const [before, content] of Object.entries(days)) {
    const date = new Date(today.getFullYear(), today.getMonth(), today.getDate() - Number(before));
    writeFileSync(join(dir, logFileName(prefix, date)), content.map((line) => `${line}\n`).join(''));
  }
}

describe('readLogTail', () => {
  it('returns the last lines of today’s file, newest last', async () => {
    const dir = tempDir();
    writeDays(dir, { 0: lines('d0', 5), 1: lines('d1', 5) });
    const tail = await readLogTail({ dir, prefix: 'tentacle', maxLines: 3, maxDaysBefore: 2, now });
    expect(tail).toEqual({ lines: ['d0 3', 'd0 4', 'd0 5'], oldestDay: 0 });
  });

  it('reads earlier days only until there are enough lines, skipping missing days', async () => {
    const dir = tempDir();
    writeDays(dir, { 0: lines('d0', 2), 2: lines('d2', 3), 3: lines('d3', 3) });
    const tail = await readLogTail({ dir, prefix: 'tentacle', maxLines: 4, maxDaysBefore: 5, now });
    expect(tail).toEqual({ lines: ['d2 2', 'd2 3', 'd0 1', 'd0 2'], oldestDay: 2 });
  });

  it('never reads more than maxDaysBefore days back', async () => {
    const dir = tempDir();
    writeDays(dir, { 0: lines('d0', 1), 1: lines('d1', 1), 2: lines('d2', 1) });
    expect(await readLogTail({ dir, prefix: 'tentacle', maxLines: 10, maxDaysBefore: 1, now })).toEqual({
      lines: ['d1 1', 'd0 1'],
      oldestDay: 1,
    });
    expect(await readLogTail({ dir, prefix: 'tentacle', maxLines: 10, maxDaysBefore: 0, now })).toEqual({
      lines: ['d0 1'],
      oldestDay: 0,
    });
  });

  it('returns 30 lines when maxLines is 0 or less', async () => {
    const dir = tempDir();
    writeDays(dir, { 0: lines('d0', 40) });
    const tail = await readLogTail({ dir, prefix: 'tentacle', maxLines: -1, maxDaysBefore: 0, now });
    expect(tail.lines).toEqual(lines('d0', 40).slice(10));
  });

  it('reads only its own prefix', async () => {
    const dir = tempDir();
    writeDays(dir, { 0: ['brain line'] }, 'brain');
    writeDays(dir, { 0: ['tentacle line'] });
    const tail = await readLogTail({ dir, prefix: 'brain', maxLines: 5, maxDaysBefore: 0, now });
    expect(tail.lines).toEqual(['brain line']);
  });

  it('reads the tail of a file larger than its read chunk, multi-byte text and a last line without newline', async () => {
    const dir = tempDir();
    const long = Array.from({ length: 5000 }, (_, i) => `línea ${i} ${'ü'.repeat(20)}`);
    writeFileSync(join(dir, logFileName('tentacle', today)), `${long.join('\n')}\npartial`);
    const tail = await readLogTail({ dir, prefix: 'tentacle', maxLines: 3000, maxDaysBefore: 0, now });
    expect(tail.lines).toEqual([...long.slice(2001), 'partial']);
  });

  it('returns nothing for an empty or missing directory', async () => {
    const dir = tempDir();
    expect(await readLogTail({ dir, prefix: 'tentacle', maxLines: 5, maxDaysBefore: 3, now })).toEqual({
      lines: [],
      oldestDay: 0,
    });
    const missing = join(dir, 'nope');
    expect(
      await readLogTail({ dir: missing, prefix: 'tentacle', maxLines: 5, maxDaysBefore: 3, now }),
    ).toEqual({
      lines: [],
      oldestDay: 0,
    });
  });
});
