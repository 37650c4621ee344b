import type { NodeLogs } from '@octopod/sdk';

/** When a line was written: pino's `time` (ms, or a date string), or undefined for a line that is not pino JSON. */
export function lineTime(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const time = (JSON.parse(line) as { time?: unknown }).time;
    if (typeof time === 'number' && Number.isFinite(time)) return time;
    if (typeof time === 'string') {
      const parsed = Date.parse(time);
      return Number.isNaN(parsed) ? undefined : parsed;
    }
  } catch {
    // not JSON after all: an untimed line
  }
  return undefined;
}

/**
 * Several nodes' lines as one log, by time, each prefixed `[<node>] `. A line without a time (a stack trace, a
 * plain-text log) stays right after the line before it on its node; so does a line whose clock went backwards:
 * each node's own order is never changed. Equal times keep the order the nodes were given in.
 */
export function mergeLogs(logs: readonly NodeLogs[]): string[] {
  const timed = logs.flatMap((log, nodeIndex) => {
    let last = Number.NEGATIVE_INFINITY;
    return log.lines.map((line, lineIndex) => {
      last = Math.max(last, lineTime(line) ?? last);
      return { at: last, nodeIndex, lineIndex, text: `[${log.node}] ${line}` };
    });
  });
  timed.sort((a, b) => a.at - b.at || a.nodeIndex - b.nodeIndex || a.lineIndex - b.lineIndex);
  return timed.map((line) => line.text);
}
