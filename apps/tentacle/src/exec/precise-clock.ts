/**
 * Wall-clock instants with sub-millisecond precision. `Date.now()` has 1 ms steps; `performance.now()` is finer
 * but on its own clock. Watching for the instant `Date.now()` ticks gives the mapping between the two to within
 * microseconds, which is what an aligned start needs.
 */

/** How long before an instant the timer hands over to spinning. */
export const SPIN_LEAD_MS = 5;

export interface Calibration {
  /** Wall ms = perf ms + this. */
  offset: number;
}

/** Spins until the wall clock ticks (at most ~1 ms) and returns the wall/perf mapping at that edge. */
export function calibrate(): Calibration {
  const last = Date.now();
  let now = last;
  while (now === last) now = Date.now();
  return { offset: now - performance.now() };
}

/** Spins until the wall-clock instant `wallMs` (returns at once if it passed); returns the instant reached. */
export function spinUntil(wallMs: number, calibration?: Calibration): number {
  // Late already: no point in spinning for a precise figure.
  if (!calibration && Date.now() > wallMs) return Date.now();
  const target = wallMs - (calibration ??= calibrate()).offset;
  let now = performance.now();
  while (now < target) now = performance.now();
  return now + calibration.offset;
}

/**
 * Runs `action` at the wall-clock instant `wallMs`: a timer until SPIN_LEAD_MS before, then a busy wait. The
 * action receives the precise instant it ran at. Returns a cancel function.
 */
export function atInstant(wallMs: number, action: (at: number) => void): () => void {
  let cancelled = false;
  const timer = setTimeout(
    () => {
      if (cancelled) return;
      action(spinUntil(wallMs));
    },
    Math.max(0, wallMs - Date.now() - SPIN_LEAD_MS),
  );
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
