import {
  ReleaseError,
  releaseFileName,
  unpackRelease,
  verifyRelease,
  verifyReleaseDir,
  versionProblem,
  type ReleaseExpectation,
} from '@octopod/release';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { CURRENT_LINK, currentVersion, pointCurrentAt } from './current-link';
import type { ReleaseSource } from './release-source';

/** What the supervisor asks of an installation: the one seam its tests replace. */
export interface Installer {
  /**
   * Makes `version` the one that runs: installed if needed (fetched, signature checked, unpacked), `current`
   * pointed at it, the service restarted. On failure before the switch nothing changed; a failed restart puts
   * `current` back and restarts the previous version.
   */
  activate(version: string): Promise<void>;
  /** Deletes cached downloads and installed versions other than `keep` (and whatever `current` points to). */
  clean(keep: readonly string[]): Promise<string[]>;
}

export interface ReleaseInstallerOptions {
  app: string;
  os: string;
  arch: string;
  installRoot: string;
  cacheDir: string;
  releaseKeyPem: string;
  source: ReleaseSource;
  restart: () => Promise<void>;
  /** Wait before switching, so the reply to the request that started this reaches its caller first. */
  restartDelayMs: number;
  logger: Logger;
}

export class ReleaseInstaller implements Installer {
  constructor(private readonly options: ReleaseInstallerOptions) {}

  async activate(version: string): Promise<void> {
    const { installRoot, restart, restartDelayMs, logger } = this.options;
    await this.ensureInstalled(version);
    const previous = await currentVersion(installRoot);
    if (restartDelayMs > 0) await sleep(restartDelayMs);
    await pointCurrentAt(installRoot, version);
    try {
      await restart();
    } catch (error) {
      if (previous && previous !== version) {
        logger.error({ err: (error as Error).message, version, previous }, 'restart failed; switching back');
        await pointCurrentAt(installRoot, previous);
        await restart().catch((again: Error) =>
          logger.error({ err: again.message }, 'restart of the previous version failed too'),
        );
      }
      throw error;
    }
    logger.info({ version }, 'activated');
  }

  async clean(keep: readonly string[]): Promise<string[]> {
    const { installRoot, cacheDir } = this.options;
    await rm(cacheDir, { recursive: true, force: true });
    const active = await currentVersion(installRoot);
    const removed: string[] = [];
    for (const entry of await readdir(installRoot).catch(() => [] as string[])) {
      const version = entry !== CURRENT_LINK && versionProblem(entry) === undefined;
      const leftover = entry.startsWith('.') && entry.includes('.unpack-');
      if ((version && !keep.includes(entry) && entry !== active) || leftover) {
        await rm(join(installRoot, entry), { recursive: true, force: true });
        removed.push(entry);
      }
    }
    return removed;
  }

  /** `<installRoot>/<version>/` as the signed release has it, fetching and unpacking only when needed. */
  private async ensureInstalled(version: string): Promise<void> {
    const { app, os, arch, installRoot, source, releaseKeyPem, logger } = this.options;
    const dir = join(installRoot, version);
    const expect: ReleaseExpectation = { app, version, os, arch };
    try {
      await verifyReleaseDir(dir, expect);
      return;
    } catch (error) {
      if (error instanceof ReleaseError)
        logger.warn({ version, err: error.message }, 'installed copy is damaged; installing again');
      else if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const file = releaseFileName(app, version, os, arch);
    const release = await source.fetch(file);
    try {
      verifyRelease(release.bytes, release.signature, releaseKeyPem);
      await unpackRelease(release.bytes, dir, expect);
    } catch (error) {
      if (release.origin === 'cache') await source.forget(file);
      if (error instanceof ReleaseError) throw new ReleaseError(error.code, `${file}: ${error.message}`);
      throw error;
    }
    await source.keep(file, release);
    logger.info({ version, from: release.origin }, 'release verified and unpacked');
  }
}
