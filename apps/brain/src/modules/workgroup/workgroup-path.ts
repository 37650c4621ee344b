/** The root workgroup's path (Octopoda prints it as "/"). */
export const ROOT_PATH = '';

/** Octopoda trims one trailing "/" from paths; "/" itself is the root. */
export function normalizePath(path: string | undefined): string {
  return (path ?? '').replace(/\/$/, '');
}

/** True when `path` is `root` or below it (Octopoda's IsSameOrSubPath, without its "//" loophole). */
export function isSameOrSubPath(path: string, root: string): boolean {
  return path === root || (path.startsWith(`${root}/`) && path.length > root.length + 1);
}

/** True when `path` is exactly one level below `parent` (Octopoda's IsDirectSubPath). */
export function isDirectChild(path: string, parent: string): boolean {
  if (!path.startsWith(`${parent}/`)) return false;
  const rest = path.slice(parent.length + 1);
  return rest.length > 0 && !rest.includes('/');
}

/** The group one level up; the root's parent is the root. */
export function parentOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/** A group name: no slash, no whitespace or control characters, not "." or "..". */
const SEGMENT = /^[^/\s\p{Cc}]+$/u;

/** `""` (the root) or `/a/b/...` with well-formed segments. Paths are stored and compared exactly. */
export function isValidPath(path: string): boolean {
  if (path === ROOT_PATH) return true;
  if (!path.startsWith('/')) return false;
  return path
    .slice(1)
    .split('/')
    .every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..');
}

/** How people read a path: the root is "/". */
export function displayPath(path: string): string {
  return path === ROOT_PATH ? '/' : path;
}

/** Octopoda's words for "the current group itself" in a `@` reference. */
const CURRENT_GROUP = new Set(['', 'ALL', 'all']);

/**
 * The group a `@ref` names, relative to `currentPath` (reference spec §12): `@g` and `@g/sub` are below the current
 * group, `@`, `@ALL` and `@all` are the current group. Null when `ref` is not a `@` reference or not a valid path.
 */
export function groupPathOfRef(currentPath: string, ref: string): string | null {
  if (!ref.startsWith('@')) return null;
  const name = ref.slice(1);
  if (CURRENT_GROUP.has(name)) return currentPath;
  const path = normalizePath(`${currentPath}/${name}`);
  return isValidPath(path) ? path : null;
}
