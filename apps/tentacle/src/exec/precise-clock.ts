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

interface Appointment {
  at: number;
  action: (at: number) => void;
}

/** Every pending instant of this process, earliest first, served by one timer. */
const appointments: Appointment[] = [];
let timer: NodeJS.Timeout | undefined;
let timerFor: Appointment | undefined;

/**
 * Runs `action` at the wall-clock instant `wallMs`: a timer until SPIN_LEAD_MS before, then a busy wait. The
 * action receives the precise instant it ran at. Returns a cancel function.
 *
 * Instants close together are served from one busy wait, in order: with a timer each, the second would wait
 * behind whatever I/O the first start caused (its output, its exit, a result written and fsync'd).
 */
export function atInstant(wallMs: number, action: (at: number) => void): () => void {
  const appointment: Appointment = { at: wallMs, action };
  let index = appointments.findIndex((other) => other.at > wallMs);
  if (index < 0) index = appointments.length;
  appointments.splice(index, 0, appointment);
  arm();
  return () => {
    const at = appointments.indexOf(appointment);
    if (at < 0) return;
    appointments.splice(at, 1);
    arm();
  };
}

function arm(): void {
  const first = appointments[0];
  if (timerFor === first) return;
  clearTimeout(timer);
  timerFor = first;
  timer = first ? setTimeout(serve, Math.max(0, first.at - Date.now() - SPIN_LEAD_MS)) : undefined;
}

function serve(): void {
  timer = undefined;
  timerFor = undefined;
  let calibration: Calibration | undefined;
  while (appointments.length > 0 && appointments[0].at <= Date.now() + SPIN_LEAD_MS) {
    const appointment = appointments.shift() as Appointment;
    const late = Date.now() > appointment.at;
    // Late: no wait, but the instant is still reported as precisely as the clock allows.
    const at = late
      ? calibration
        ? performance.now() + calibration.offset
        : Date.now()
      : spinUntil(appointment.at, (calibration ??= calibrate()));
    try {
      appointment.action(at);
    } catch (error) {
      // One failing start must not hold back the others due now.
      process.emitWarning(`aligned start failed: ${(error as Error).message}`);
    }
  }
  arm();
}
