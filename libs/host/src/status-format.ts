import type { CpuInfo } from 'node:os';

/** Aggregate CPU time counters across all cores, ms. */
export interface CpuTimes {
  busy: number;
  total: number;
}

export function totalCpuTimes(cpus: readonly Pick<CpuInfo, 'times'>[]): CpuTimes {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** Busy share between two counter readings, percent (0 when no time passed or the counters went backwards). */
export function cpuPercent(previous: CpuTimes, current: CpuTimes): number {
  const total = current.total - previous.total;
  const busy = current.busy - previous.busy;
  if (total <= 0 || busy < 0) return 0;
  return Math.min(100, (busy / total) * 100);
}

/** Mean of the samples we have (Octopoda divides by 10 even with fewer, under-reading after start). */
export function meanLoad(samples: readonly number[]): number {
  if (samples.length === 0) return 0;
  return samples.reduce((sum, sample) => sum + sample, 0) / samples.length;
}

/** `used = MemTotal - MemAvailable`, bytes, from the text of /proc/meminfo; null if the fields are missing. */
export function parseMeminfo(text: string): { used: number; total: number } | null {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const total = field('MemTotal');
  const available = field('MemAvailable');
  if (total === undefined || available === undefined) return null;
  return { used: Math.max(0, total - available), total };
}

function pad(value: number, width = 2): string {
  return String(Math.trunc(Math.abs(value))).padStart(width, '0');
}

/** RFC 3339 with the local UTC offset and milliseconds, e.g. `2024-05-01T14:03:07.120+02:00`. */
export function formatLocalTime(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`
  );
}
