import { describe, expect, it } from 'vitest';
import { cpuPercent, formatLocalTime, meanLoad, parseMeminfo, totalCpuTimes } from './status-format';

const times = (busy: number, idle: number) => ({ times: { user: busy, nice: 0, sys: 0, idle, irq: 0 } });

describe('status formatting', () => {
  it('formats local time as RFC 3339 with the UTC offset', () => {
    const text = formatLocalTime(new Date(Date.UTC(2024, 4, 1, 12, 3, 7, 120)));
    expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
    // The text names the same instant, whatever zone this machine is in.
    expect(new Date(text).getTime()).toBe(Date.UTC(2024, 4, 1, 12, 3, 7, 120));
  });

  it('averages cpuLoadLong over the samples it has, not a fixed 10', () => {
    expect(meanLoad([])).toBe(0);
    expect(meanLoad([40])).toBe(40);
    expect(meanLoad([10, 20, 60])).toBe(30);
  });

  it('computes busy percent from CPU time deltas across cores', () => {
    const before = totalCpuTimes([times(100, 900), times(100, 900)]);
    const after = totalCpuTimes([times(175, 925), times(100, 1000)]);
    expect(cpuPercent(before, after)).toBeCloseTo((75 / 200) * 100);
    expect(cpuPercent(after, after)).toBe(0);
    expect(cpuPercent(after, before)).toBe(0);
  });

  it('reads used memory as MemTotal - MemAvailable', () => {
    const meminfo = 'MemTotal:       16000 kB\nMemFree:         1000 kB\nMemAvailable:    6000 kB\n';
    expect(parseMeminfo(meminfo)).toEqual({ used: 10000 * 1024, total: 16000 * 1024 });
    expect(parseMeminfo('MemTotal: 1 kB\n')).toBeNull();
  });
});
