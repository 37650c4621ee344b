import { stat } from 'node:fs/promises';
import { isAbsolute, normalize, relative, resolve } from 'node:path';

/** `rel` inside `dir` (normalised, `/`-separated), or an error message when it is absolute or leaves `dir`. */
export function insideFolder(dir: string, rel: string): { path: string } | { error: string } {
  if (isAbsolute(rel)) return { error: `"${rel}" must be relative to the scenario folder` };
  const full = resolve(dir, rel);
  const back = relative(dir, full);
  if (back.startsWith('..') || isAbsolute(back)) return { error: `"${rel}" leaves the scenario folder` };
  return { path: normalize(back).split('\\').join('/').replace(/^\.$/, '') };
}

export async function kindOf(path: string): Promise<'file' | 'dir' | 'other' | 'missing'> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 'missing';
  return info.isFile() ? 'file' : info.isDirectory() ? 'dir' : 'other';
}
