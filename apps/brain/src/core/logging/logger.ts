import { DailyLogFile } from '@octopod/logfiles';
import pino, { type Logger } from 'pino';
import type { BrainConfig } from '../config/brain-config';

/**
 * JSON lines to stdout, and when a path is set also to Octopoda's daily files `<path>/<namePrefix>_YYYY_MM_DD.log`
 * (kept `rollDays` days), which `GET /api/v2/nodes/brain/logs` reads back.
 */
export function createBrainLogger(config: BrainConfig['logger']): Logger {
  const streams: pino.StreamEntry[] = [{ stream: pino.destination({ dest: 1, sync: false }) }];
  if (config.path) {
    streams.push({
      stream: DailyLogFile.open({ dir: config.path, prefix: config.namePrefix, rollDays: config.rollDays }),
    });
  }
  return pino({ level: config.level, base: { app: 'brain' } }, pino.multistream(streams));
}
