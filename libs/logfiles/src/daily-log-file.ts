import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { logFileName, removeOldLogFiles } from './log-names';

export interface DailyLogOptions {
  /** Directory of the log files; created when missing. */
  dir: string;
  /** Files are `<prefix>_YYYY_MM_DD.log`. */
  prefix: string;
  /** How many days of files are kept (today's included); older files of this prefix are deleted. ≤ 0 keeps all. */
  rollDays: number;
  /** The clock; tests inject one. */
  now?: () => Date;
}

/**
 * A pino-compatible destination (`pino(options, stream)` or a `pino.multistream` entry): appends each line to
 * the file of the local day at the time of the write, switching at the first write of a new day and then
 * deleting this prefix's files older than `rollDays` days. Writes are synchronous, so order holds and nothing
 * is buffered when the file switches or the process exits.
 */
export class DailyLogFile {
  private fd: number | undefined;
  private fileName: string | undefined;
  private closed = false;
  /** The file whose day retention last ran for. */
  private prunedFor: string | undefined;

  private constructor(
    private readonly options: DailyLogOptions,
    private readonly now: () => Date,
  ) {}

  /** Opens today's file (creating `dir`) and applies retention at once: a node may restart more often than daily. */
  static open(options: DailyLogOptions): DailyLogFile {
    const file = new DailyLogFile(options, options.now ?? (() => new Date()));
    mkdirSync(options.dir, { recursive: true });
    file.fileFor(file.now());
    return file;
  }

  /** The name of the file written last (today's, once something was written today). */
  get currentFile(): string | undefined {
    return this.fileName;
  }

  /**
   * Appends `chunk` (pino hands complete lines, newline included). A line that cannot be written (disk full,
   * directory removed) is dropped and the file reopened at the next write: logging must never crash the agent.
   */
  write(chunk: string): boolean {
    if (this.closed) return false;
    try {
      const fd = this.fileFor(this.now());
      writeSync(fd, chunk);
      return true;
    } catch {
      this.release();
      return false;
    }
  }

  /** Nothing is buffered: every write reached the file. Present because pino calls it when it exists. */
  flushSync(): void {}

  /** Closes the current file; later writes are dropped. */
  end(): void {
    this.closed = true;
    this.release();
  }

  async close(): Promise<void> {
    this.end();
  }

  private fileFor(date: Date): number {
    const name = logFileName(this.options.prefix, date);
    if (this.fd !== undefined && name === this.fileName) return this.fd;
    this.release();
    mkdirSync(this.options.dir, { recursive: true });
    this.fd = openSync(join(this.options.dir, name), 'a');
    this.fileName = name;
    // Once per day: at open, then at the first write of each new day.
    if (this.prunedFor !== name) {
      this.prunedFor = name;
      removeOldLogFiles(this.options.dir, this.options.prefix, this.options.rollDays, date);
    }
    return this.fd;
  }

  private release(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed underneath us; nothing to keep.
    }
    this.fd = undefined;
  }
}
