import pino, { type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger whose JSON lines land in an array the test can search. */
export function captureLogger(level = 'debug'): {
  logger: Logger;
  lines: LogLine[];
  find(msg: string | RegExp): LogLine[];
} {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const find = (msg: string | RegExp) =>
    lines.filter((line) => (typeof msg === 'string' ? line.msg === msg : msg.test(line.msg)));
  return { logger, lines, find };
}
