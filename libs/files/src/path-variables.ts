import { isAbsolute, relative, resolve, sep } from 'node:path';

/** The directories a path variable can name; all absolute. */
export interface PathRoots {
  root: string;
  workspace: string;
  fstore: string;
  log: string;
  pakma: string;
  home: string;
}

export type PathRefusal = 'traversal' | 'absolute' | 'unknown_variable' | 'empty';

export class PathRefusedError extends Error {
  constructor(
    readonly code: PathRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'PathRefusedError';
  }
}

export interface ResolveOptions {
  allowAbsolute: boolean;
}

export interface ResolvedPath {
  /** Absolute and normalised. */
  path: string;
  /** The root the path is under, or '/' for an allowed absolute path. */
  base: string;
}

const VARIABLES = ['root', 'workspace', 'fstore', 'log', 'pakma'] as const;
type Variable = (typeof VARIABLES)[number];

function isVariable(name: string): name is Variable {
  return (VARIABLES as readonly string[]).includes(name);
}

/**
 * Resolves '@var/…', '~/…', a relative path (under @fstore) or, when allowed, an absolute path. The check is
 * lexical: symlinks under a root are not followed, so callers writing through them must resolve them themselves.
 */
export function resolvePath(input: string, roots: PathRoots, options: ResolveOptions): ResolvedPath {
  if (input.trim() === '') throw new PathRefusedError('empty', 'path is empty');
  const { base, rest, label } = splitBase(input, roots, options);
  const root = resolve(base);
  const path = resolve(root, `.${sep}${rest}`);
  if (!isInside(root, path)) throw new PathRefusedError('traversal', `path "${input}" leaves ${label}`);
  return { path, base: root };
}

function splitBase(
  input: string,
  roots: PathRoots,
  options: ResolveOptions,
): { base: string; rest: string; label: string } {
  if (input.startsWith('@')) {
    const first = input.split('/', 1)[0];
    const name = first.slice(1);
    if (!isVariable(name)) {
      const known = VARIABLES.map((v) => `@${v}`).join(', ');
      throw new PathRefusedError(
        'unknown_variable',
        `path "${input}" starts with unknown variable ${first}; known: ${known}`,
      );
    }
    return { base: roots[name], rest: input.slice(first.length), label: first };
  }
  if (input === '~' || input.startsWith('~/')) return { base: roots.home, rest: input.slice(1), label: '~' };
  if (isAbsolute(input)) {
    if (!options.allowAbsolute) {
      throw new PathRefusedError(
        'absolute',
        `absolute path "${input}" is not allowed here; use a path variable`,
      );
    }
    return { base: '/', rest: input, label: '/' };
  }
  return { base: roots.fstore, rest: input, label: '@fstore' };
}

/** True when `child` is `parent` or inside it (after path.resolve; '/a/bc' is not inside '/a/b'). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
