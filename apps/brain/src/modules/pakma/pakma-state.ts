import type { PakmaOutcome } from './pakma.service';

/** pakma's state types (Octopoda's fsm.go). */
export const PakmaStateType = { empty: 1, stable: 2, preview: 3 } as const;

/** pakma's `GET /state` answer, as far as a rollout reads it. */
export interface PakmaState {
  msg?: string;
  state_type?: number;
  last_version?: string;
  curr_version?: string;
  preview_version?: string;
}

/** The JSON pakma answered, or undefined when the answer was not pakma's. */
export function parsePakmaBody(outcome: PakmaOutcome): PakmaState | undefined {
  if (!outcome.reached || outcome.status === 0) return undefined;
  try {
    const value: unknown = JSON.parse(outcome.body);
    return value && typeof value === 'object' ? (value as PakmaState) : undefined;
  } catch {
    return undefined;
  }
}
