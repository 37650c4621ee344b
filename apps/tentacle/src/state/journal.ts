import {
  closeSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  write,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const writeAsync = promisify(write);
const fdatasyncAsync = promisify(fdatasync);

/** Ids are remembered this long after acceptance: a re-send older than that is not expected. */
export const JOURNAL_RETENTION_MS = 7 * 24 * 3600 * 1000;

export interface JournalRecord {
  id: string;
  /** Tentacle clock, ms. */
  acceptedAt: number;
  /** Its result is in the spool (or was acknowledged): nothing of it is running any more. */
  finished: boolean;
}

/**
 * The invocation ids this tentacle accepted, so that none runs twice, across restarts too. `accept` is durable
 * when its promise resolves (the tentacle replies `accepted` only then).
 */
export interface InvocationJournal {
  has(id: string): boolean;
  accept(id: string): Promise<void>;
  finish(id: string): Promise<void>;
  /** Ids accepted but not finished when the journal was opened: they were running when the tentacle stopped. */
  readonly unfinishedAtOpen: readonly string[];
  close(): Promise<void>;
}

// One JSON object a line: {"a":id,"t":ms} accepted, {"f":id} finished.
type Line = { a: string; t: number } | { f: string };

export function acceptedLine(id: string, at: number): string {
  return `${JSON.stringify({ a: id, t: at })}\n`;
}

export function finishedLine(id: string): string {
  return `${JSON.stringify({ f: id })}\n`;
}

/** Replays journal text; a torn or foreign line (a crash mid-write) is skipped. */
export function replayJournal(text: string): Map<string, JournalRecord> {
  const records = new Map<string, JournalRecord>();
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue;
    }
    if ('a' in line && typeof line.a === 'string' && typeof line.t === 'number') {
      const known = records.get(line.a);
      records.set(line.a, { id: line.a, acceptedAt: line.t, finished: known?.finished ?? false });
    } else if ('f' in line && typeof line.f === 'string') {
      const known = records.get(line.f);
      if (known) known.finished = true;
    }
  }
  return records;
}

/** What a compaction keeps: every unfinished id, and finished ids younger than the retention. */
export function compactRecords(
  records: Iterable<JournalRecord>,
  now: number,
  retentionMs = JOURNAL_RETENTION_MS,
): JournalRecord[] {
  return [...records].filter((record) => !record.finished || now - record.acceptedAt < retentionMs);
}

export function formatRecords(records: Iterable<JournalRecord>): string {
  let text = '';
  for (const record of records) {
    text += acceptedLine(record.id, record.acceptedAt);
    if (record.finished) text += finishedLine(record.id);
  }
  return text;
}

/** Appends with group commit: lines queued while a write + fdatasync is under way share the next one. */
export class FileJournal implements InvocationJournal {
  readonly unfinishedAtOpen: readonly string[];
  private readonly queue: { text: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  private writing: Promise<void> | undefined;
  private fd: number | undefined;

  private constructor(
    private readonly records: Map<string, JournalRecord>,
    fd: number,
    private readonly now: () => number,
  ) {
    this.fd = fd;
    this.unfinishedAtOpen = [...records.values()].filter((r) => !r.finished).map((r) => r.id);
  }

  /** Reads `<dir>/journal.log`, rewrites it compacted (atomically), and opens it for appending. */
  static open(dir: string, options: { now?: () => number; retentionMs?: number } = {}): FileJournal {
    const now = options.now ?? Date.now;
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'journal.log');
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const kept = compactRecords(replayJournal(text).values(), now(), options.retentionMs);
    const temp = `${path}.compact`;
    writeFileSync(temp, formatRecords(kept));
    syncFile(temp);
    renameSync(temp, path);
    syncFile(dir);
    const records = new Map(kept.map((record) => [record.id, record]));
    return new FileJournal(records, openSync(path, 'a'), now);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  accept(id: string): Promise<void> {
    const at = this.now();
    this.records.set(id, { id, acceptedAt: at, finished: false });
    return this.append(acceptedLine(id, at)).catch((error: Error) => {
      // Not durable, so not accepted: the brain may send it again.
      this.records.delete(id);
      throw error;
    });
  }

  finish(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record || record.finished) return Promise.resolve();
    record.finished = true;
    return this.append(finishedLine(id));
  }

  async close(): Promise<void> {
    await this.writing;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    // Cleared in the same synchronous step that finds the queue empty, so no append can slip between.
    for (;;) {
      if (this.queue.length === 0) {
        this.writing = undefined;
        return;
      }
      const batch = this.queue.splice(0);
      try {
        if (this.fd === undefined) throw new Error('journal closed');
        const buf = Buffer.from(batch.map((entry) => entry.text).join(''));
        let written = 0;
        while (written < buf.length) {
          written += (await writeAsync(this.fd, buf, written, buf.length - written)).bytesWritten;
        }
        await fdatasyncAsync(this.fd);
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error as Error);
      }
    }
  }
}

/** The same bookkeeping without a disk (the simulated swarm). */
export class MemoryJournal implements InvocationJournal {
  readonly unfinishedAtOpen: readonly string[] = [];
  private readonly ids = new Set<string>();

  has(id: string): boolean {
    return this.ids.has(id);
  }

  accept(id: string): Promise<void> {
    this.ids.add(id);
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** fsync a file or directory, so a rename that follows (or just made) survives a power loss. */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
