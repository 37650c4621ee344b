import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';
import { OctlError } from '../../errors';
import { isSameOrUnder, normalizeRoot, resolveGroupPath } from './wg-path';

/** Where octl stands in the workgroup tree: the group it logs into, and the current group under it. */
export interface WorkgroupPlace {
  /** octl.yaml's `workgroup.root`, cleaned (`""` is the root). */
  readonly root: string;
  /** The current group (`""` is the root), sent to the brain as `x-workgroup-path`. */
  current(): string;
  /** Remembers a new current group. */
  save(path: string): void;
}

/** The file's content: Octopoda's `current: <path>` (a missing, empty or broken file means "at the root"). */
export function parseCurrentPath(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const value = (parse(text) as { current?: unknown } | null)?.current;
    return typeof value === 'string' ? resolveGroupPath('', `/${value}`) : undefined;
  } catch {
    return undefined;
  }
}

export interface PlaceFiles {
  read(path: string): string | undefined;
  write(path: string, text: string): void;
}

const diskFiles: PlaceFiles = {
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  write: (path, text) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  },
};

/**
 * The current group lives client-side in `workgroup.currentPathFile`, as with Octopoda's octl: created at the root
 * on first use, and reset to the root when it is not under the root group (octl.yaml changed).
 */
export function workgroupPlace(
  config: { root: string; currentPathFile?: string },
  files: PlaceFiles = diskFiles,
): WorkgroupPlace {
  const root = normalizeRoot(config.root);
  const file = config.currentPathFile;
  let current: string | undefined;
  const save = (path: string): void => {
    if (!file) {
      throw new OctlError('set workgroup.currentPathFile in octl.yaml to keep a current workgroup');
    }
    try {
      files.write(file, stringify({ current: path === '' ? '/' : path }));
    } catch (error) {
      throw new OctlError(`cannot write ${file}: ${(error as Error).message}`);
    }
    current = path;
  };
  return {
    root,
    current: () => {
      if (current !== undefined) return current;
      const stored = file ? parseCurrentPath(files.read(file)) : undefined;
      if (stored !== undefined && isSameOrUnder(stored, root)) return (current = stored);
      // Written at once, like Octopoda's octl; a read-only place only loses the memory, not the command.
      if (file) {
        try {
          save(root);
        } catch {
          // keep going at the root
        }
      }
      return (current = root);
    },
    save,
  };
}
