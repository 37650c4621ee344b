import { versionProblem } from '@octopod/release';

/** Octopoda's state numbers, as `state_type` and `StateType` carry them. */
export const StateType = { empty: 1, stable: 2, preview: 3 } as const;
export type StateType = (typeof StateType)[keyof typeof StateType];

export const STATE_NAMES: Record<StateType, string> = { 1: 'EMPTY', 2: 'STABLE', 3: 'PREVIEW' };

/**
 * EMPTY: nothing installed. STABLE: `current` runs (and `last` is what ran before it, if known). PREVIEW: `preview`
 * runs on trial until confirmed, cancelled or rolled back at `previewDeadline` (epoch ms).
 */
export interface PakmaState {
  type: StateType;
  last: string;
  current: string;
  preview: string;
  previewDeadline?: number;
}

export const EMPTY_STATE: PakmaState = { type: StateType.empty, last: '', current: '', preview: '' };

/** Octopoda's messages, word for word: clients compare them. */
export const MESSAGES = {
  useUpgrade: 'Use upgrade instead',
  notStable: 'Not in stable state, confirm or install first',
  sameVersion: 'required version is already installed',
  notPreviewConfirm: 'Not in preview state, not need confirm',
  notPreviewCancel: 'Not in preview state, not need cancel',
  invalidVersion: 'Invalid version number',
  noLastVersion: 'cannot downgrade because no last version is remembered',
} as const;

function versionIssue(version: string | undefined): string | undefined {
  if (version === undefined || version === '') return MESSAGES.invalidVersion;
  const problem = versionProblem(version);
  return problem ? `${MESSAGES.invalidVersion}: ${problem}` : undefined;
}

// Each check returns why a request is refused (HTTP 400), or undefined when it may go ahead. The order of the
// checks is Octopoda's: state first, then the version.

export function installProblem(state: PakmaState, version: string | undefined): string | undefined {
  if (state.type !== StateType.empty) return MESSAGES.useUpgrade;
  return versionIssue(version);
}

export function upgradeProblem(state: PakmaState, version: string | undefined): string | undefined {
  if (state.type !== StateType.stable) return MESSAGES.notStable;
  const issue = versionIssue(version);
  if (issue) return issue;
  return version === state.current ? MESSAGES.sameVersion : undefined;
}

export function confirmProblem(state: PakmaState): string | undefined {
  return state.type === StateType.preview ? undefined : MESSAGES.notPreviewConfirm;
}

export function cancelProblem(state: PakmaState): string | undefined {
  return state.type === StateType.preview ? undefined : MESSAGES.notPreviewCancel;
}

export function downgradeProblem(state: PakmaState): string | undefined {
  if (state.type !== StateType.stable) return MESSAGES.notStable;
  return state.last ? undefined : MESSAGES.noLastVersion;
}

// The states the transitions lead to, once their install (if any) succeeded.

export function installed(version: string): PakmaState {
  return { type: StateType.stable, last: '', current: version, preview: '' };
}

export function upgraded(state: PakmaState, version: string, deadline: number): PakmaState {
  return {
    type: StateType.preview,
    last: state.last,
    current: state.current,
    preview: version,
    previewDeadline: deadline,
  };
}

export function confirmed(state: PakmaState): PakmaState {
  return { type: StateType.stable, last: state.current, current: state.preview, preview: '' };
}

export function cancelled(state: PakmaState): PakmaState {
  return { type: StateType.stable, last: state.last, current: state.current, preview: '' };
}

/** Octopoda forgets `last` after a downgrade: a second downgrade needs a new upgrade first. */
export function downgraded(state: PakmaState): PakmaState {
  return { type: StateType.stable, last: '', current: state.last, preview: '' };
}

/** Versions an install must keep: everything the state can still go back or forward to. */
export function versionsInUse(state: PakmaState): string[] {
  return [state.last, state.current, state.preview].filter((version) => version !== '');
}
