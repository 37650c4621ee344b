import { extractTar, packTar, placeEntries, placeFile } from '@octopod/files';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OctlError } from '../../errors';

/** What is sent: the file itself, or a tar of the directory packed beforehand (so its size is known). */
export interface StagedUpload {
  path: string;
  size: number;
  format: 'file' | 'tar';
  /** The base name it gets on the nodes. */
  name: string;
  /** Permission bits of a file (a tar carries its own). */
  mode: number | null;
  /** Known for a tar (hashed while packing). */
  sha256?: string;
  cleanup(): Promise<void>;
}

const reasonOf = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);

/** Passes bytes on, hashing and counting them. */
export class Meter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly onBytes: (bytes: number) => void = () => undefined) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.onBytes(this.bytes);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Octopoda's `file upload` source: a file goes as it is, a directory as a tar of `<basename>/…`. */
export async function stageUpload(local: string): Promise<StagedUpload> {
  const path = resolve(local);
  const name = basename(path);
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw new OctlError(`cannot read ${local} (${reasonOf(error)})`);
  }
  if (name === '') throw new OctlError(`cannot upload ${local}: it has no name to give it on the nodes`);
  const none = async (): Promise<void> => undefined;
  if (info.isFile())
    return { path, size: info.size, format: 'file', name, mode: info.mode & 0o777, cleanup: none };
  if (!info.isDirectory()) throw new OctlError(`cannot upload ${local}: neither a file nor a directory`);
  const dir = await mkdtemp(join(tmpdir(), 'octl-upload-'));
  const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const tar = join(dir, `${name}.tar`);
  try {
    const meter = new Meter();
    const written = pipeline(meter, createWriteStream(tar, { mode: 0o600 }));
    written.catch(() => undefined); // awaited below; a packing failure is the one reported
    await packTar(path, meter);
    await written;
    return { path: tar, size: meter.bytes, format: 'tar', name, mode: null, sha256: meter.digest(), cleanup };
  } catch (error) {
    await cleanup();
    throw new OctlError(`cannot pack ${local}: ${(error as Error).message}`);
  }
}

/** `mkdir -p` the download directory; a name for a temporary file in it (same file system, so it can be renamed). */
export async function prepareDownload(localDir: string): Promise<{ dir: string; temp: string }> {
  const dir = resolve(localDir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new OctlError(`cannot create ${localDir} (${reasonOf(error)})`);
  }
  return { dir, temp: join(dir, `.octl-download-${randomUUID()}.part`) };
}

/** Puts a downloaded file at `<dir>/<name>` with its permission bits (replacing a file there). */
export async function placeDownloadedFile(
  temp: string,
  dir: string,
  name: string,
  mode: number | null,
): Promise<string> {
  try {
    return await placeFile(temp, dir, name, mode === null ? undefined : mode & 0o777);
  } catch (error) {
    throw new OctlError(`cannot write ${join(dir, name)}: ${reasonOf(error)}`);
  }
}

/**
 * Extracts a downloaded tar into `dir` as `cp -r` would leave it: through a staging directory beside it (so a refused
 * archive leaves nothing behind), then merged into what is there. The tar must hold `name` and nothing beside it: a
 * compromised node must not drop, say, a `.bashrc` into the directory the user downloads into.
 */
export async function placeTar(temp: string, dir: string, name: string): Promise<void> {
  const staging = join(dir, `.octl-extract-${randomUUID()}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    const input = createReadStream(temp);
    try {
      await extractTar(input, staging);
    } catch (error) {
      throw new OctlError(`cannot unpack the download into ${dir}: ${(error as Error).message}`);
    } finally {
      input.destroy();
    }
    const top = await readdir(staging);
    if (top.length !== 1 || top[0] !== name) {
      const held = top.map((entry) => JSON.stringify(entry)).join(', ') || 'nothing';
      throw new OctlError(
        `refusing the download: it should hold only "${name}" but holds ${held}; nothing was placed in ${dir}`,
      );
    }
    await placeEntries(staging, dir).catch((error: unknown) => {
      throw new OctlError(`cannot place the download into ${dir}: ${reasonOf(error)}`);
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}
