import { describe, expect, it } from 'vitest';
import { RequestStats } from './stats';

describe('RequestStats', () => {
  it('counts requests per path and method, success only for 200', () => {
    const stats = new RequestStats(1234);
    stats.begin('/query', 'GET')(200);
    stats.begin('/query', 'GET')(400);
    stats.begin('/register', 'POST')(200);
    expect(stats.summary()).toEqual({
      total_request: 3,
      since: 1234,
      api_stats: {
        '/query[GET]': { requests: 2, success: 1 },
        '/register[POST]': { requests: 1, success: 1 },
      },
    });
  });

  it('counts a request before it completes (as Octopoda, /summary sees itself unfinished)', () => {
    const stats = new RequestStats(0);
    stats.begin('/summary', 'GET');
    expect(stats.summary().api_stats['/summary[GET]']).toEqual({ requests: 1, success: 0 });
  });

  it('bounds the number of distinct keys', () => {
    const stats = new RequestStats(0);
    for (let i = 0; i < 1500; i++) stats.begin(`/random/${i}`, 'GET')(404);
    const summary = stats.summary();
    expect(summary.total_request).toBe(1500);
    expect(Object.keys(summary.api_stats).length).toBe(1001);
    expect(summary.api_stats['<other>[GET]']).toEqual({ requests: 500, success: 0 });
  });

  it('returns a snapshot, not live counters', () => {
    const stats = new RequestStats(0);
    const done = stats.begin('/ping', 'GET');
    const before = stats.summary();
    done(200);
    expect(before.api_stats['/ping[GET]'].success).toBe(0);
  });
});
