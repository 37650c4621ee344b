import { describe, expect, it } from 'vitest';
import { lineTime, mergeLogs } from './merge-logs';

const pino = (time: number, msg: string) => JSON.stringify({ level: 30, time, msg });

describe('lineTime', () => {
  it("reads pino's time in ms, or as a date string", () => {
    expect(lineTime(pino(1718712000000, 'x'))).toBe(1718712000000);
    expect(lineTime('{"time":"2024-06-18T12:00:00.000Z"}')).toBe(Date.parse('2024-06-18T12:00:00.000Z'));
  });

  it('has no time for plain text, broken JSON, or JSON without a usable time', () => {
    for (const line of ['[ Request  ] 2024/06/18 started', '{"time":1', '{"msg":"x"}', '{"time":"soon"}', ''])
      expect(lineTime(line)).toBeUndefined();
  });
});

describe('mergeLogs', () => {
  it('interleaves the nodes by time, each line prefixed with its node', () => {
    const merged = mergeLogs([
      { node: 'pi-1', oldestDay: 0, lines: [pino(10, 'a1'), pino(30, 'a2')] },
      { node: 'pi-2', oldestDay: 0, lines: [pino(20, 'b1'), pino(40, 'b2')] },
    ]);
    expect(merged).toEqual([
      `[pi-1] ${pino(10, 'a1')}`,
      `[pi-2] ${pino(20, 'b1')}`,
      `[pi-1] ${pino(30, 'a2')}`,
      `[pi-2] ${pino(40, 'b2')}`,
    ]);
  });

  it('keeps untimed lines after the line before them, and untimed leading lines first', () => {
    const merged = mergeLogs([
      {
        node: 'a',
        oldestDay: 0,
        lines: ['banner', pino(10, 'start'), '    at trace (x.js:1)', pino(50, 'end')],
      },
      { node: 'b', oldestDay: 0, lines: [pino(5, 'early'), pino(20, 'mid')] },
    ]);
    expect(merged).toEqual([
      '[a] banner',
      `[b] ${pino(5, 'early')}`,
      `[a] ${pino(10, 'start')}`,
      '[a]     at trace (x.js:1)',
      `[b] ${pino(20, 'mid')}`,
      `[a] ${pino(50, 'end')}`,
    ]);
  });

  it("never reorders one node's lines, even when its clock goes backwards; ties keep the nodes' order", () => {
    const merged = mergeLogs([
      { node: 'a', oldestDay: 0, lines: [pino(30, 'late'), pino(10, 'clock went back')] },
      { node: 'b', oldestDay: 0, lines: [pino(30, 'same time')] },
    ]);
    expect(merged).toEqual([
      `[a] ${pino(30, 'late')}`,
      `[a] ${pino(10, 'clock went back')}`,
      `[b] ${pino(30, 'same time')}`,
    ]);
  });

  it('returns nothing for nodes without lines', () => {
    expect(mergeLogs([{ node: 'a', oldestDay: 0, lines: [] }])).toEqual([]);
  });
});
