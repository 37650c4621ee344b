import { DailyLogFile } from '@octopod/logfiles';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { TentacleConfig } from './config';

export type { Logger } from 'pino';

export interface TentacleLogger {
  logger: Logger;
  /** Closes the log file (later lines go to stdout only). */
  close(): Promise<void>;
}

/**
 * pino JSON to stdout, and, when `logger.path` is set, to the daily files `<path>/<namePrefix>_YYYY_MM_DD.log`
 * (a new file at local midnight, `rollDays` days kept) that `log.get` reads. `stdout: false` is for tests.
 */
export function createLogger(
  options: TentacleConfig['logger'],
  base: Record<string, unknown> = {},
  { stdout = true }: { stdout?: boolean } = {},
): TentacleLogger {
  const level = options.level as pino.Level;
  const streams: pino.StreamEntry[] = [];
  if (stdout) streams.push({ level, stream: pino.destination({ dest: 1, sync: true }) });
  const file = options.path
    ? DailyLogFile.open({ dir: options.path, prefix: options.namePrefix, rollDays: options.rollDays })
    : undefined;
  if (file) streams.push({ level, stream: file });
  const logger = pino(
    { level: options.level, base: { pid: process.pid, hostname: hostname(), ...base } },
    pino.multistream(streams),
  );
  return {
    logger,
    // Lines reach the file synchronously, so exiting right after a line loses nothing; no flush is needed.
    close: async () => file?.close(),
  };
}
