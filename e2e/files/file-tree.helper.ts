import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdir, open, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(path)) hash.update(block as Buffer);
  return hash.digest('hex');
}

/** Writes `size` random bytes to `path` in 1 MiB blocks. */
export async function randomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < size;) {
      const block = randomBytes(Math.min(1024 * 1024, size - done));
      await handle.write(block);
      done += block.length;
    }
  } finally {
    await handle.close();
  }
}

/** A directory with what round trips must keep: nesting, empty file, empty dir, a relative symlink, modes. */
export async function makeSampleTree(root: string): Promise<void> {
  await mkdir(join(root, 'a', 'b', 'c'), { recursive: true });
  await mkdir(join(root, 'empty-dir'));
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'a', 'b', 'c', 'deep.bin'), randomBytes(200_000));
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'run.sh'), 0o750);
  await writeFile(join(root, 'secret'), 'x');
  await chmod(join(root, 'secret'), 0o600);
  await symlink('a/b/c/deep.bin', join(root, 'link-to-deep'));
}

/** Every entry under `root`: relative name → kind, permission bits, and content hash or link target. */
export function describeTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      const info = lstatSync(path);
      const mode = (info.mode & 0o777).toString(8);
      if (info.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(path)}`;
      else if (info.isDirectory()) {
        out[rel] = `dir ${mode}`;
        walk(path, rel);
      } else {
        out[rel] = `file ${mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
      }
    }
  };
  walk(root, '');
  return out;
}
