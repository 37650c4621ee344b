import { describe, expect, it } from 'vitest';
import { StatusSampler } from './sampler';

/** Fake CPU counters: every call returns the next reading (busy, idle) of a 1-core machine. */
function counters(readings: [number, number][]) {
  let i = 0;
  return () => {
    const [busy, idle] = readings[Math.min(i++, readings.length - 1)];
    return [{ model: ' Fake CPU ', times: { user: busy, nice: 0, sys: 0, idle, irq: 0 } }];
  };
}

describe('StatusSampler', () => {
  it('reports the last sample as short load and the mean of what it has as long load', () => {
    const sampler = new StatusSampler({
      readCpus: counters([
        [0, 0],
        [50, 50],
        [50, 150],
        [150, 150],
      ]),
    });
    expect(sampler.cpuLoadShort).toBe(0);
    expect(sampler.sample()).toBe(50);
    expect(sampler.sample()).toBe(0);
    expect(sampler.sample()).toBe(100);
    expect(sampler.cpuLoadShort).toBe(100);
    expect(sampler.cpuLoadLong).toBe(50);
  });

  it('keeps only the last `window` samples', () => {
    const readings: [number, number][] = [
      [0, 0],
      [100, 0],
      [100, 100],
      [100, 200],
    ];
    const sampler = new StatusSampler({ readCpus: counters(readings), window: 2 });
    sampler.sample(); // 100
    sampler.sample(); // 0
    sampler.sample(); // 0
    expect(sampler.cpuLoadLong).toBe(0);
  });
});
