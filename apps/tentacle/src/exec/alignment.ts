import type { ClockEstimate } from '@octopod/protocol';

/** Octopoda refuses an aligned start further out than this (OSTP "max defer"). */
export const MAX_ALIGN_WAIT_MS = 3000;

export type AlignDecision =
  | {
      ok: true;
      /** The start instant on this tentacle's clock, ms. */
      localStartAt: number;
      waitMs: number;
    }
  | { ok: false; reason: string };

/**
 * Converts a brain-clock start instant to this tentacle's clock (offset = brain − tentacle) and decides whether
 * the start can be honoured: the offset must be measured, its error bound within `maxAlignErrorMs`, and the
 * wait between 0 and MAX_ALIGN_WAIT_MS.
 */
export function decideAlignment(
  startAt: number,
  maxAlignErrorMs: number,
  estimate: ClockEstimate | null,
  now: number,
): AlignDecision {
  if (!estimate) return { ok: false, reason: 'the clock offset to the brain is not measured yet' };
  if (estimate.offsetErrorMs > maxAlignErrorMs) {
    return {
      ok: false,
      reason: `the clock offset error bound ${round(estimate.offsetErrorMs)} ms exceeds ${maxAlignErrorMs} ms`,
    };
  }
  const localStartAt = startAt - estimate.offsetMs;
  const waitMs = localStartAt - now;
  if (waitMs < 0) return { ok: false, reason: `the start time passed ${round(-waitMs)} ms ago` };
  if (waitMs > MAX_ALIGN_WAIT_MS) {
    return { ok: false, reason: `the start time is ${round(waitMs)} ms away (at most ${MAX_ALIGN_WAIT_MS})` };
  }
  return { ok: true, localStartAt, waitMs };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
