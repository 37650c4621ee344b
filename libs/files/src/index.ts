export {
  isInside,
  PathRefusedError,
  resolvePath,
  type PathRefusal,
  type PathRoots,
  type ResolvedPath,
  type ResolveOptions,
} from './path-variables';
export { ArchiveRefusedError, type ArchiveRefusal, type PackStats } from './archive';
export { extractTar, packTar } from './tar';
export { extractZip, packZip, type PackZipOptions } from './zip';
export { listTree, type ListTreeOptions, type TreeEntry } from './tree';
export { placeEntries, placeFile } from './place';
