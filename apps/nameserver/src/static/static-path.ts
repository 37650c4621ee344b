import { isAbsolute, relative, resolve, sep } from 'node:path';

/** One `staticDir` entry: files under `dir` served at `url`. */
export interface StaticMount {
  url: string;
  dir: string;
}

export type StaticLookup =
  { kind: 'unmounted' } | { kind: 'refused'; reason: string } | { kind: 'file'; filePath: string };

/**
 * Maps a raw request path onto a file of the mount that owns it. Everything is resolved and checked
 * to stay inside the mount's directory, whatever encoding (`%2e%2e%2f`, `..%2f`) the client used.
 */
export function resolveStaticPath(mounts: readonly StaticMount[], rawPath: string): StaticLookup {
  const mount = owningMount(mounts, rawPath);
  if (!mount) return { kind: 'unmounted' };
  let rest: string;
  try {
    rest = decodeURIComponent(rawPath.slice(trimSlash(mount.url).length));
  } catch {
    return { kind: 'refused', reason: 'bad percent-encoding' };
  }
  if (rest.includes('\0')) return { kind: 'refused', reason: 'NUL byte in path' };
  const root = resolve(mount.dir);
  const filePath = resolve(root, `.${sep}${rest}`);
  const inside = relative(root, filePath);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return { kind: 'refused', reason: 'path escapes the static directory' };
  }
  return { kind: 'file', filePath };
}

/** The mount with the longest `url` that is `rawPath` itself or a parent of it. */
function owningMount(mounts: readonly StaticMount[], rawPath: string): StaticMount | undefined {
  let best: StaticMount | undefined;
  for (const mount of mounts) {
    const prefix = trimSlash(mount.url);
    const owns = rawPath === prefix || rawPath.startsWith(`${prefix}/`);
    if (owns && (!best || prefix.length > trimSlash(best.url).length)) best = mount;
  }
  return best;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.sh': 'text/x-shellscript; charset=utf-8',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.xz': 'application/x-xz',
  '.tar': 'application/x-tar',
  '.zip': 'application/zip',
};

export function contentTypeOf(filePath: string): string {
  const dot = filePath.lastIndexOf('.');
  const extension = dot > filePath.lastIndexOf(sep) ? filePath.slice(dot).toLowerCase() : '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}
