import { readLogTail } from '@octopod/logfiles';
import type { LogGet, LogLines, ProtocolErrorBody } from '@octopod/protocol';

/** Stable codes of an `error` reply to `log.get`. */
export type LogErrorCode = 'not_found' | 'io_failed';

export type LogReply =
  { kind: 'log.lines'; body: LogLines } | { kind: 'error'; body: ProtocolErrorBody & { code: LogErrorCode } };

/** What the `log.get` handler calls: this node's log files, or none. */
export interface LogService {
  /** The last lines of the node's own log, newest last. */
  get(body: LogGet): Promise<LogReply>;
}

const logError = (code: LogErrorCode, message: string): LogReply => ({
  kind: 'error',
  body: { code, message: message.slice(0, 4096) },
});

/** For a tentacle that logs to stdout only (`logger.path` empty), the swarm and tests of the link alone. */
export const noLogs: LogService = {
  get: async () => logError('not_found', 'this node keeps no log files (logger.path is empty)'),
};

/** Reads the daily files `<dir>/<prefix>_YYYY_MM_DD.log` that the tentacle's logger writes (logging.ts). */
export function logFiles(logger: { path: string; namePrefix: string }): LogService {
  if (!logger.path) return noLogs;
  return {
    get: async ({ maxLines, maxDaysBefore }) => {
      try {
        const tail = await readLogTail({
          dir: logger.path,
          prefix: logger.namePrefix,
          maxLines,
          maxDaysBefore,
        });
        return { kind: 'log.lines', body: { lines: tail.lines, maxDaysBefore: tail.oldestDay } };
      } catch (error) {
        return logError('io_failed', `cannot read the log files: ${(error as Error).message}`);
      }
    },
  };
}
