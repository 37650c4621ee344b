import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { PakmaConfig } from './config';

/** JSON lines to stdout, and to `<logger.path>/<namePrefix>.log` when a path is configured. */
export function createLogger(options: PakmaConfig['logger'], base: Record<string, unknown> = {}): Logger {
  const { level } = options;
  if (level === 'silent') return pino({ level });
  const streams: pino.StreamEntry[] = [{ level, stream: pino.destination({ dest: 1, sync: true }) }];
  if (options.path) {
    mkdirSync(options.path, { recursive: true });
    streams.push({
      level,
      stream: pino.destination({ dest: join(options.path, `${options.namePrefix}.log`), sync: true }),
    });
  }
  return pino(
    { name: options.namePrefix, level, base: { pid: process.pid, ...base } },
    pino.multistream(streams),
  );
}
