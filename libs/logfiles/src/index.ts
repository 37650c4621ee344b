export { DailyLogFile, type DailyLogOptions } from './daily-log-file';
export { logFileName } from './log-names';
export { DEFAULT_TAIL_LINES, readLogTail, type LogTail, type LogTailOptions } from './log-tail';
