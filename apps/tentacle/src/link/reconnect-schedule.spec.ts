import { describe, expect, it } from 'vitest';
import { ReconnectSchedule } from './reconnect-schedule';

/** random() just under 1 shows each attempt's ceiling. */
const top = () => 0.999999;
const policy = { baseMs: 1000, capMs: 30_000 };

function ceilings(schedule: ReconnectSchedule, n: number): number[] {
  return Array.from({ length: n }, () => Math.ceil(schedule.nextDelayMs() / 1000) * 1000);
}

describe('ReconnectSchedule', () => {
  it('doubles the ceiling per failed attempt up to the cap', () => {
    const schedule = new ReconnectSchedule(policy, top);
    expect(ceilings(schedule, 7)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('uses full jitter: any delay from zero to the ceiling', () => {
    expect(new ReconnectSchedule(policy, () => 0).nextDelayMs()).toBe(0);
    expect(new ReconnectSchedule(policy, () => 0.5).nextDelayMs()).toBe(500);
  });

  it('resets after a session that lasted more than 10 s', () => {
    const schedule = new ReconnectSchedule(policy, top);
    ceilings(schedule, 4);
    schedule.ended(10_001);
    expect(ceilings(schedule, 2)).toEqual([1000, 2000]);
  });

  it('keeps backing off after short sessions (a flapping brain)', () => {
    const schedule = new ReconnectSchedule(policy, top);
    ceilings(schedule, 3);
    schedule.ended(9_000);
    expect(ceilings(schedule, 1)).toEqual([8000]);
  });

  it('waits up to the cap after a configuration refusal', () => {
    const schedule = new ReconnectSchedule(policy, top);
    schedule.ended(0, { configProblem: true });
    expect(ceilings(schedule, 2)).toEqual([30_000, 30_000]);
  });

  it('honours a custom stable-session threshold', () => {
    const schedule = new ReconnectSchedule({ ...policy, stableSessionMs: 100 }, top);
    ceilings(schedule, 3);
    schedule.ended(101);
    expect(ceilings(schedule, 1)).toEqual([1000]);
  });
});
