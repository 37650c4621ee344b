import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { TentacleConfig } from './config';

export type { Logger } from 'pino';

export interface TentacleLogger {
  logger: Logger;
  /** Writes out what is buffered for the log file; call before exiting. */
  flush(): void;
}

/** pino JSON to stdout, and to `<logger.path>/<namePrefix>.log` when a path is set. */
export function createLogger(
  options: TentacleConfig['logger'],
  base: Record<string, unknown> = {},
): TentacleLogger {
  const streams: pino.StreamEntry[] = [
    { level: options.level as pino.Level, stream: pino.destination({ dest: 1, sync: true }) },
  ];
  let file: (pino.DestinationStream & { flushSync?: () => void }) | undefined;
  if (options.path) {
    mkdirSync(options.path, { recursive: true });
    file = pino.destination({
      dest: join(options.path, `${options.namePrefix}.log`),
      sync: false,
      mkdir: true,
    });
    streams.push({ level: options.level as pino.Level, stream: file });
  }
  const logger = pino(
    { level: options.level, base: { pid: process.pid, hostname: hostname(), ...base } },
    pino.multistream(streams),
  );
  return {
    logger,
    flush: () => {
      try {
        file?.flushSync?.();
      } catch {
        // Nothing buffered, or the file is gone; losing the tail of a log must not block exit.
      }
    },
  };
}
