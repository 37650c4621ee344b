import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OctopodApiError } from './errors';

/** What `octl login` keeps: the API token and what the brain said about it. Only `token` is required. */
export interface SavedToken {
  token: string;
  id?: string;
  name?: string;
  /** The workgroup it acts as ("/" is the root). */
  path?: string;
  expiresAt?: string;
  /** `ip:port` of the brain that issued it. */
  brain?: string;
}

/**
 * Reads a token file: the JSON `octl login` writes, or a file holding just the token (as a CI secret would be
 * dropped in). Resolves undefined when there is no file.
 */
export async function readTokenFile(path: string): Promise<SavedToken | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new OctopodApiError(0, 'bad_config', `cannot read token file ${path} (${reason})`, {
      cause: error,
    });
  }
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed ? { token: trimmed } : undefined;
  try {
    const saved = JSON.parse(trimmed) as Partial<SavedToken>;
    if (typeof saved.token === 'string' && saved.token) return saved as SavedToken;
  } catch {
    // reported below
  }
  throw new OctopodApiError(0, 'bad_config', `token file ${path} is damaged: log in again`);
}

/** Writes the token readable by its owner only (0600, directory 0700), replacing any earlier one at once. */
export async function writeTokenFile(path: string, saved: SavedToken): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600); // an existing file keeps its mode through writeFile
  await rename(temporary, path);
}

/** Resolves true when a file was removed. */
export async function removeTokenFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
