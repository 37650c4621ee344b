import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DailyLogFile } from './daily-log-file';
import { logFileName } from './log-names';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logfiles-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A clock the test moves by hand (local time). */
function clock(start: Date) {
  let now = start;
  return { now: () => now, set: (date: Date) => void (now = date) };
}

describe('logFileName', () => {
  it('names a file for the local calendar date, zero-padded', () => {
    expect(logFileName('tentacle', new Date(2026, 0, 5, 23, 59, 59))).toBe('tentacle_2026_01_05.log');
    expect(logFileName('brain', new Date(2026, 10, 24, 0, 0, 0))).toBe('brain_2026_11_24.log');
  });
});

describe('DailyLogFile', () => {
  it('creates the directory and appends lines in order to today’s file', async () => {
    const dir = join(tempDir(), 'nested', 'log');
    const time = clock(new Date(2026, 2, 1, 10, 0));
    const file = DailyLogFile.open({ dir, prefix: 'tentacle', rollDays: 7, now: time.now });
    expect(file.write('{"msg":"one"}\n')).toBe(true);
    expect(file.write('{"msg":"two"}\n')).toBe(true);
    await file.close();
    expect(readFileSync(join(dir, 'tentacle_2026_03_01.log'), 'utf8')).toBe('{"msg":"one"}\n{"msg":"two"}\n');
    expect(file.write('late\n')).toBe(false);
  });

  it('switches to a new file at the first write after local midnight and loses no line', async () => {
    const dir = tempDir();
    const time = clock(new Date(2026, 0, 31, 23, 59, 59, 999));
    const file = DailyLogFile.open({ dir, prefix: 'tentacle', rollDays: 7, now: time.now });
    file.write('before midnight\n');
    time.set(new Date(2026, 1, 1, 0, 0, 0, 0));
    file.write('after midnight\n');
    file.write('later\n');
    await file.close();
    expect(readdirSync(dir).sort()).toEqual(['tentacle_2026_01_31.log', 'tentacle_2026_02_01.log']);
    expect(readFileSync(join(dir, 'tentacle_2026_01_31.log'), 'utf8')).toBe('before midnight\n');
    expect(readFileSync(join(dir, 'tentacle_2026_02_01.log'), 'utf8')).toBe('after midnight\nlater\n');
  });

  it('appends to a file left by an earlier run of the same day', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tentacle_2026_03_01.log'), 'earlier run\n');
    const file = DailyLogFile.open({
      dir,
      prefix: 'tentacle',
      rollDays: 7,
      now: () => new Date(2026, 2, 1, 12),
    });
    file.write('this run\n');
    await file.close();
    expect(readFileSync(join(dir, 'tentacle_2026_03_01.log'), 'utf8')).toBe('earlier run\nthis run\n');
  });

  it('keeps rollDays days of its own files and deletes only older files of its prefix', async () => {
    const dir = tempDir();
    const keep = [
      'tentacle_2026_03_04.log', // 6 days before the 10th: kept with rollDays 7
      'tentacle_2026_03_09.log',
      'brain_2026_01_01.log', // another prefix
      'tentacle_extra_2026_01_01.log', // another prefix that starts like ours
      'tentacle.log',
      'tentacle_2026_02_31.log', // not a date
      'notes.txt',
    ];
    const old = ['tentacle_2026_03_03.log', 'tentacle_2025_12_31.log'];
    for (const name of [...keep, ...old]) writeFileSync(join(dir, name), 'x\n');
    const time = clock(new Date(2026, 2, 10, 8));
    const file = DailyLogFile.open({ dir, prefix: 'tentacle', rollDays: 7, now: time.now });
    expect(readdirSync(dir).sort()).toEqual([...keep, 'tentacle_2026_03_10.log'].sort());

    // The next day's first write deletes the file that just turned 7 days old.
    time.set(new Date(2026, 2, 11, 0, 0, 1));
    file.write('next day\n');
    await file.close();
    expect(existsSync(join(dir, 'tentacle_2026_03_04.log'))).toBe(false);
    expect(existsSync(join(dir, 'tentacle_2026_03_09.log'))).toBe(true);
    expect(existsSync(join(dir, 'brain_2026_01_01.log'))).toBe(true);
    expect(existsSync(join(dir, 'tentacle_extra_2026_01_01.log'))).toBe(true);
  });

  it('keeps every file when rollDays is 0', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tentacle_2020_01_01.log'), 'x\n');
    const file = DailyLogFile.open({
      dir,
      prefix: 'tentacle',
      rollDays: 0,
      now: () => new Date(2026, 2, 10),
    });
    await file.close();
    expect(existsSync(join(dir, 'tentacle_2020_01_01.log'))).toBe(true);
  });

  it('drops a line it cannot write without throwing, and writes again once the directory is back', async () => {
    const dir = join(tempDir(), 'log');
    const time = clock(new Date(2026, 2, 10, 23, 0));
    const file = DailyLogFile.open({ dir, prefix: 't', rollDays: 7, now: time.now });
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'a file where the directory was');
    time.set(new Date(2026, 2, 11, 1, 0));
    expect(file.write('lost\n')).toBe(false);
    rmSync(dir);
    expect(file.write('back\n')).toBe(true);
    await file.close();
    expect(readFileSync(join(dir, 't_2026_03_11.log'), 'utf8')).toBe('back\n');
  });
});
