import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeAtomically } from '../atomic-write';
import { EMPTY_STATE, StateType, type PakmaState } from './pakma-state';

export const STATE_FILE = 'pakma.json';

/** Octopoda's pakma.json (Version1 = last, Version2 = current, Version3 = preview) plus the preview deadline. */
const stateFileSchema = z.object({
  StateType: z.union([z.literal(StateType.empty), z.literal(StateType.stable), z.literal(StateType.preview)]),
  Version1: z.string().default(''),
  Version2: z.string().default(''),
  Version3: z.string().default(''),
  PreviewDeadline: z.iso.datetime().optional(),
});

export class StateFileError extends Error {
  constructor(path: string, reason: string) {
    super(`${path}: ${reason}; fix or remove it`);
    this.name = 'StateFileError';
  }
}

/** Reads the state; a missing file is EMPTY (and is written, so it exists from the first start). */
export async function loadState(path: string): Promise<PakmaState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await saveState(path, EMPTY_STATE);
    return EMPTY_STATE;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StateFileError(path, 'not valid JSON');
  }
  const parsed = stateFileSchema.safeParse(raw);
  if (!parsed.success)
    throw new StateFileError(
      path,
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  const doc = parsed.data;
  return {
    type: doc.StateType,
    last: doc.Version1,
    current: doc.Version2,
    preview: doc.Version3,
    ...(doc.PreviewDeadline ? { previewDeadline: Date.parse(doc.PreviewDeadline) } : {}),
  };
}

/** Writes the state whole or not at all (temp file + rename), creating the directory first. */
export async function saveState(path: string, state: PakmaState): Promise<void> {
  const doc = {
    StateType: state.type,
    Version1: state.last,
    Version2: state.current,
    Version3: state.preview,
    ...(state.previewDeadline !== undefined
      ? { PreviewDeadline: new Date(state.previewDeadline).toISOString() }
      : {}),
  };
  await writeAtomically(path, `${JSON.stringify(doc)}\n`);
}
