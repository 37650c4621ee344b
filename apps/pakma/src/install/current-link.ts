import { randomBytes } from 'node:crypto';
import { readlink, rename, rm, symlink } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const CURRENT_LINK = 'current';

/** The version `<installRoot>/current` points to, or undefined when there is no link. */
export async function currentVersion(installRoot: string): Promise<string | undefined> {
  try {
    return basename(await readlink(join(installRoot, CURRENT_LINK)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return undefined;
    throw error;
  }
}

/**
 * Points `<installRoot>/current` at `<installRoot>/<version>` in one step: a new link under a temp name, renamed
 * over the old one, so `current` is always one version or the other. The target is relative (`<version>`), so the
 * install root can be moved or mounted elsewhere.
 */
export async function pointCurrentAt(installRoot: string, version: string): Promise<void> {
  const temp = join(installRoot, `.${CURRENT_LINK}-${randomBytes(4).toString('hex')}`);
  await symlink(version, temp);
  try {
    await rename(temp, join(installRoot, CURRENT_LINK));
  } catch (error) {
    await rm(temp, { force: true });
    throw new Error(
      `cannot point ${join(installRoot, CURRENT_LINK)} at ${version}: ${(error as Error).message} (it must be a symlink)`,
    );
  }
}
