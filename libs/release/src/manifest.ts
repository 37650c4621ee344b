import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ReleaseError } from './errors';
import { versionProblem } from './version';

/** Name of the manifest at the root of every release tarball. */
export const MANIFEST_FILE = 'manifest.json';

/** A relative path inside a release: `/`-separated, no `.`/`..`/empty parts, no backslash or NUL. */
export function releasePathProblem(path: string): string | undefined {
  if (path === '') return 'must not be empty';
  if (path.startsWith('/')) return 'must be relative';
  if (/[\\\0]/.test(path)) return 'must not contain a backslash or NUL';
  const parts = path.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) {
    return 'must not contain empty, "." or ".." parts';
  }
  return undefined;
}

const releasePath = z.string().superRefine((path, ctx) => {
  const problem = releasePathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes');

export const manifestSchema = z
  .object({
    app: name,
    version: z.string().superRefine((version, ctx) => {
      const problem = versionProblem(version);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    os: name,
    arch: name,
    createdAt: z.iso.datetime(),
    /** The JS file to run, relative to the release root. */
    entry: releasePath,
    /** Every file of the release but the manifest itself: path -> sha256 (hex). */
    files: z
      .record(z.string(), z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 in hex'))
      .superRefine((files, ctx) => {
        for (const path of Object.keys(files)) {
          const problem = releasePathProblem(path);
          if (problem) ctx.addIssue({ code: 'custom', message: `"${path}": ${problem}`, path: [] });
        }
      }),
  })
  .refine((manifest) => manifest.entry in manifest.files, {
    message: 'must be one of the listed files',
    path: ['entry'],
  })
  .refine((manifest) => !(MANIFEST_FILE in manifest.files), {
    message: `must not list ${MANIFEST_FILE} itself`,
    path: ['files'],
  });

export type ReleaseManifest = z.output<typeof manifestSchema>;

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parses the bytes of a `manifest.json`; throws ReleaseError `bad_manifest` naming every bad field. */
export function parseManifest(bytes: Uint8Array): ReleaseManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ReleaseError('bad_manifest', `${MANIFEST_FILE} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
  );
  throw new ReleaseError('bad_manifest', `${MANIFEST_FILE} is invalid: ${issues.join('; ')}`);
}
