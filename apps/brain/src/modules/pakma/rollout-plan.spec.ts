import { describe, expect, it } from 'vitest';
import { parseWaves, planWaves } from './rollout-plan';

const names = (count: number) => Array.from({ length: count }, (_, i) => `n${String(i).padStart(2, '0')}`);
const sizes = (waves: ReturnType<typeof planWaves>) => waves.map((w) => w.nodes.length);

describe('rollout waves', () => {
  it('takes a canary, a share, then the rest', () => {
    expect(sizes(planWaves(names(40), [1, '10%', 'rest']))).toEqual([1, 4, 35]);
    expect(planWaves(names(3), [1, '10%', 'rest'])[0].nodes[0]).toEqual({ node: 'n00', state: 'pending' });
    expect(sizes(planWaves(names(3), [1, '10%', 'rest']))).toEqual([1, 1, 1]);
  });

  it('drops empty waves and never loses a node', () => {
    expect(sizes(planWaves(names(1), [1, '10%', 'rest']))).toEqual([1]);
    expect(sizes(planWaves(names(5), [2]))).toEqual([2, 3]);
    expect(sizes(planWaves(['b', 'a', 'a'], ['rest']))).toEqual([2]);
  });

  it('reads 1,10%,rest and refuses what is not a size', () => {
    expect(parseWaves('1, 10%,rest')).toEqual([1, '10%', 'rest']);
    expect(() => parseWaves('0')).toThrow(/"0" is not a count/);
    expect(() => parseWaves('1,,rest')).toThrow(/comma-separated/);
    expect(() => parseWaves('150%')).toThrow(/"150%"/);
  });
});
