/** What a task asks for beyond its command (stored as JSON on the task). */
export interface TaskOptions {
  background: boolean;
  delaySeconds: number;
  align: boolean;
  timeoutSeconds: number | null;
  deliveryTimeoutSeconds: number;
  maxConcurrency: number | null;
  maxErrors: number | null;
  env: Record<string, string>;
  /** Octopoda's xrun: the caller's answer is "loaded" as soon as every node accepted. */
  loadedOnAccept: boolean;
}

export const DEFAULT_DELIVERY_TIMEOUT_SECONDS = 60;
/** Octopoda's margin on top of the slowest target's delay for a time-aligned start (reference spec §1.5). */
export const ALIGN_MARGIN_MS = 500;
/** A tentacle refuses an aligned start when its clock offset is less certain than this. */
export const MAX_ALIGN_ERROR_MS = 100;

export const TERMINAL_STATES = ['success', 'failed', 'timed_out', 'delivery_timed_out', 'cancelled'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

export function isTerminal(state: string): state is TerminalState {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}

/** Brain-clock start for an aligned run: now + slowest one-way delay + margin. */
export function alignedStartAt(now: number, delaysMs: Array<number | null>): number {
  const slowest = Math.max(0, ...delaysMs.map((d) => d ?? 0));
  return now + Math.ceil(slowest) + ALIGN_MARGIN_MS;
}
