/** Longest version accepted: it ends up in file and directory names. */
const MAX_VERSION_LENGTH = 64;

/**
 * Octopoda's rule for a release version: digits and dots only, not starting or ending with a dot. Empty parts
 * (`1..2`) are refused too. Returns what is wrong, or undefined for a good version.
 */
export function versionProblem(version: string): string | undefined {
  if (version === '') return 'must not be empty';
  if (version.length > MAX_VERSION_LENGTH) return `must be at most ${MAX_VERSION_LENGTH} characters`;
  if (!/^[0-9.]+$/.test(version)) return 'must contain only digits and dots';
  if (version.startsWith('.') || version.endsWith('.')) return 'must not start or end with a dot';
  if (version.includes('..')) return 'must not contain empty parts';
  return undefined;
}

/** Orders two good versions part by part as numbers (`1.10` > `1.9`; `1.2` = `1.2.0`). Returns -1, 0 or 1. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const order = compareDigits(left[i] ?? '0', right[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

/** Compares digit strings of any length as numbers. */
function compareDigits(a: string, b: string): -1 | 0 | 1 {
  const x = a.replace(/^0+(?=.)/, '');
  const y = b.replace(/^0+(?=.)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}
