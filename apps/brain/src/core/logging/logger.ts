import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { BrainConfig } from '../config/brain-config';

/** JSON lines to stdout, and to `<logger.path>/<namePrefix>.log` when a path is set. */
export function createBrainLogger(config: BrainConfig['logger']): Logger {
  const streams: pino.StreamEntry[] = [{ stream: pino.destination({ dest: 1, sync: false }) }];
  if (config.path) {
    mkdirSync(config.path, { recursive: true });
    streams.push({
      stream: pino.destination({
        dest: join(config.path, `${config.namePrefix}.log`),
        mkdir: true,
        sync: false,
      }),
    });
  }
  return pino({ level: config.level, base: { app: 'brain' } }, pino.multistream(streams));
}
