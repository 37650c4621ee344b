import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const DAY_MS = 24 * 60 * 60 * 1000;

const two = (n: number) => String(n).padStart(2, '0');

/** `<prefix>_YYYY_MM_DD.log` for the local date of `date`. */
export function logFileName(prefix: string, date: Date): string {
  return `${prefix}_${date.getFullYear()}_${two(date.getMonth() + 1)}_${two(date.getDate())}.log`;
}

/** Local midnight of `date`, `daysBefore` calendar days earlier (DST-safe: built from the calendar date). */
export function localDay(date: Date, daysBefore = 0): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() - daysBefore);
}

/** Whole calendar days from `earlier` to `later` (both local midnights); rounding absorbs DST hours. */
function daysBetween(earlier: Date, later: Date): number {
  return Math.round((later.getTime() - earlier.getTime()) / DAY_MS);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The local day a file of this prefix is named for, or undefined when the name is not one of its files. */
export function dayOfLogFile(prefix: string, name: string): Date | undefined {
  const match = new RegExp(`^${escapeRegExp(prefix)}_(\\d{4})_(\\d{2})_(\\d{2})\\.log$`).exec(name);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  // Reject names like _2024_02_31 that Date would roll over into another day.
  return date.getMonth() === month - 1 && date.getDate() === day ? date : undefined;
}

/**
 * Deletes this prefix's files named for a day `rollDays` or more days before `now`'s (so `rollDays` files are
 * kept: today and the `rollDays - 1` before it). `rollDays <= 0` keeps everything. Returns the names deleted.
 */
export function removeOldLogFiles(dir: string, prefix: string, rollDays: number, now: Date): string[] {
  if (rollDays <= 0) return [];
  const today = localDay(now);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const day = dayOfLogFile(prefix, name);
    if (!day || daysBetween(day, today) < rollDays) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already, or not ours to delete: retention is best effort and must never stop logging.
    }
  }
  return removed;
}
