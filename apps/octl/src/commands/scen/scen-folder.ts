import { packTar } from '@octopod/files';
import { createWriteStream, type Stats } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OctlError } from '../../errors';
import { Meter } from '../file/local-files';

/** A tar of a scenario folder's contents in a temporary file, ready to upload. */
export interface PackedFolder {
  path: string;
  size: number;
  sha256: string;
  cleanup(): Promise<void>;
}

const reasonOf = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new OctlError(`cannot read ${path} (${reasonOf(error)})`);
  }
}

/** `dir` (relative to `cwd`) is a folder with a deployment.yaml; answers its absolute path. */
export async function checkScenarioFolder(cwd: string, dir: string): Promise<string> {
  const path = resolve(cwd, dir);
  const folder = await statOrNull(path);
  if (!folder) throw new OctlError(`cannot apply ${dir}: no such folder`);
  if (!folder.isDirectory()) throw new OctlError(`cannot apply ${dir}: not a folder`);
  const deployment = await statOrNull(join(path, 'deployment.yaml'));
  if (!deployment?.isFile()) {
    throw new OctlError(
      `cannot apply ${dir}: it has no deployment.yaml, so it is not a scenario folder (octl scen create makes one)`,
    );
  }
  return path;
}

/** Packs the contents of `dir` (deployment.yaml at the top of the tar) into a temporary file. */
export async function packScenarioFolder(dir: string): Promise<PackedFolder> {
  const temp = await mkdtemp(join(tmpdir(), 'octl-scen-'));
  const cleanup = (): Promise<void> => rm(temp, { recursive: true, force: true });
  const path = join(temp, 'scenario.tar');
  try {
    const meter = new Meter();
    const written = pipeline(meter, createWriteStream(path, { mode: 0o600 }));
    written.catch(() => undefined); // awaited below; a packing failure is the one reported
    await packTar(dir, meter, { contentsOnly: true });
    await written;
    return { path, size: meter.bytes, sha256: meter.digest(), cleanup };
  } catch (error) {
    await cleanup();
    throw new OctlError(`cannot pack ${dir}: ${(error as Error).message}`);
  }
}
