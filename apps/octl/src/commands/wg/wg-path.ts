import { posix } from 'node:path';
import { OctlError } from '../../errors';

/**
 * Workgroup paths as Octopoda's octl handles them: absolute (`/g1/sub`), the root is `""` and printed `/`. A relative
 * path is taken from the current group; `.` and `..` are resolved; `~` is the root group octl logs into.
 */
export function resolveGroupPath(current: string, input: string): string {
  const joined = input.startsWith('/') ? input : `${current}/${input}`;
  const clean = posix.normalize(joined).replace(/\/+$/, '');
  return clean === '.' ? '' : clean;
}

/** octl.yaml's `workgroup.root`, cleaned like Octopoda: leading slash, no trailing one; `""` or `/` is the root. */
export function normalizeRoot(root: string): string {
  return root.trim() === '' ? '' : resolveGroupPath('', `/${root.trim()}`);
}

export function isSameOrUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

export function displayPath(path: string): string {
  return path === '' ? '/' : path;
}

/** A child's name as `wg ls` shows it: its path relative to the parent. */
export function childName(parent: string, child: string): string {
  return child.startsWith(`${parent}/`) ? child.slice(parent.length + 1) : child;
}

/** The group a `wg` argument names, refused client-side when it is not under the root group (as Octopoda's octl). */
export function targetPath(place: { root: string; current(): string }, input = ''): string {
  const path = resolveGroupPath(place.current(), input);
  if (!isSameOrUnder(path, place.root)) {
    throw new OctlError(`root workgroup is ${displayPath(place.root)}, cannot access ${displayPath(path)}`);
  }
  return path;
}
