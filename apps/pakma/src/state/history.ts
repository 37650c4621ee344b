import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeAtomically } from '../atomic-write';

export const HISTORY_FILE = 'pakma_history.json';
/** Entries kept; older ones are dropped. */
const MAX_ENTRIES = 1000;
/** Entries returned when `limit` is absent, 0 or not a number (Octopoda returned none for 0: its bug 9). */
export const DEFAULT_HISTORY_LIMIT = 10;

/** Octopoda's pakma_history.json entry: unix seconds and the text. */
const entrySchema = z.object({ Timestamp: z.number(), Message: z.string() });
export type HistoryEntry = z.output<typeof entrySchema>;

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD@hh:mm:ss` in local time, Octopoda's history time format. */
export function formatHistoryTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}@${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Parses `YYYY-MM-DD@hh:mm:ss` (local time) to unix seconds; undefined when it is not one. */
export function parseHistoryTime(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})@(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hours, minutes, secs] = match.slice(1).map(Number);
  const date = new Date(year, month - 1, day, hours, minutes, secs);
  if (date.getMonth() !== month - 1 || date.getDate() !== day || date.getHours() !== hours) return undefined;
  return Math.floor(date.getTime() / 1000);
}

/** `limit` as Octopoda's query gives it, with its bug fixed: absent, 0, negative or junk mean 10. */
export function historyLimit(text: string | null): number {
  const limit = Number(text);
  return text !== null && Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_HISTORY_LIMIT;
}

/** The upgrade history: what pakma did, when. Persisted after every entry. */
export class History {
  private constructor(
    private readonly path: string,
    private entries: HistoryEntry[],
  ) {}

  /** Loads the file; a missing or unreadable one starts an empty history (it is a log, not state). */
  static async open(path: string): Promise<History> {
    try {
      const parsed = z.array(entrySchema).safeParse(JSON.parse(await readFile(path, 'utf8')));
      return new History(path, parsed.success ? parsed.data : []);
    } catch {
      return new History(path, []);
    }
  }

  async write(message: string, nowMs: number): Promise<void> {
    this.entries = [...this.entries, { Timestamp: Math.floor(nowMs / 1000), Message: message }].slice(
      -MAX_ENTRIES,
    );
    await writeAtomically(this.path, `${JSON.stringify(this.entries)}\n`);
  }

  /**
   * Octopoda's search: the first `limit` entries at or after `fromSeconds`; when there are none, the last `limit`.
   * Lines read `[YYYY-MM-DD@hh:mm:ss]: <text>`.
   */
  search(fromSeconds: number, limit: number): string[] {
    const start = this.entries.findIndex((entry) => entry.Timestamp >= fromSeconds);
    const picked =
      start < 0
        ? this.entries.slice(Math.max(0, this.entries.length - limit))
        : this.entries.slice(start, start + limit);
    return picked.map((entry) => `[${formatHistoryTime(entry.Timestamp)}]: ${entry.Message}`);
  }
}
