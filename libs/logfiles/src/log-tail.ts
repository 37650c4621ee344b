import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { localDay, logFileName } from './log-names';

/** What `maxLines ≤ 0` means, as Octopoda's tentacle. */
export const DEFAULT_TAIL_LINES = 30;

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export interface LogTailOptions {
  dir: string;
  prefix: string;
  /** Lines wanted; ≤ 0 → 30. */
  maxLines: number;
  /** How many days before today may be read when today's file has too few lines. */
  maxDaysBefore: number;
  now?: () => Date;
}

export interface LogTail {
  /** Oldest first, newest last. */
  lines: string[];
  /** How many days back the oldest file actually read is (0 = today's only, or nothing read). */
  oldestDay: number;
}

/**
 * The last `maxLines` lines, reading today's file, then the days before it (up to `maxDaysBefore`) until there
 * are enough. Missing days are skipped. Each file is read from its end, so a large log costs only its tail.
 */
export async function readLogTail(options: LogTailOptions): Promise<LogTail> {
  const wanted = options.maxLines > 0 ? options.maxLines : DEFAULT_TAIL_LINES;
  const now = (options.now ?? (() => new Date()))();
  let lines: string[] = [];
  let oldestDay = 0;
  for (let day = 0; day <= Math.max(0, options.maxDaysBefore) && lines.length < wanted; day++) {
    const file = join(options.dir, logFileName(options.prefix, localDay(now, day)));
    const tail = await tailOfFile(file, wanted - lines.length);
    if (tail === undefined) continue;
    oldestDay = day;
    lines = [...tail, ...lines];
  }
  return { lines, oldestDay };
}

/** The last `count` lines of a file (without their newlines), or undefined when it does not exist. */
async function tailOfFile(path: string, count: number): Promise<string[] | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const chunks: Buffer[] = [];
    let position = size;
    let newlines = 0;
    // A trailing newline ends the last line; `count` lines need `count` newlines before the last byte.
    while (position > 0 && newlines <= count) {
      const length = Math.min(CHUNK_BYTES, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      chunks.unshift(chunk);
      for (const byte of chunk) if (byte === NEWLINE) newlines++;
    }
    let data = Buffer.concat(chunks);
    // Start after a newline (never inside a UTF-8 sequence) unless the whole file was read.
    if (position > 0) data = data.subarray(data.indexOf(NEWLINE) + 1);
    const lines = data.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}
