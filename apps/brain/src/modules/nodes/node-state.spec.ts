import { describe, expect, it } from 'vitest';
import { isHealthy, isStalledTick, livenessOf, octopodaStateCodes } from './node-state';

describe('node state', () => {
  it('judges liveness by silence, in milliseconds (no seconds/ms mix-up)', () => {
    expect(livenessOf(10_000, 12_000, 3_000, 10_000)).toBe('healthy');
    expect(livenessOf(10_000, 13_001, 3_000, 10_000)).toBe('late');
    expect(livenessOf(10_000, 19_999, 3_000, 10_000)).toBe('late');
    expect(livenessOf(10_000, 20_001, 3_000, 10_000)).toBe('dead');
  });

  it("maps to Octopoda's State/ConnState codes so its octl prints the same words", () => {
    expect(octopodaStateCodes({ state: 'online', connected: true })).toEqual({ State: 0, ConnState: 0 });
    expect(octopodaStateCodes({ state: 'unstable', connected: true })).toEqual({ State: 1, ConnState: 0 });
    expect(octopodaStateCodes({ state: 'unstable', connected: false })).toEqual({ State: 1, ConnState: 1 });
    expect(octopodaStateCodes({ state: 'offline', connected: false })).toEqual({ State: 2, ConnState: 1 });
  });

  it('calls a tick stalled only when late by more than one interval plus activeTimeout', () => {
    expect(isStalledTick(510, 500, 500)).toBe(false);
    expect(isStalledTick(1_000, 500, 500)).toBe(false);
    expect(isStalledTick(1_001, 500, 500)).toBe(true);
    expect(isStalledTick(4_000, 500, 3_000)).toBe(true);
  });

  it('only online nodes are healthy', () => {
    expect(isHealthy({ state: 'online' })).toBe(true);
    expect(isHealthy({ state: 'unstable' })).toBe(false);
  });
});
