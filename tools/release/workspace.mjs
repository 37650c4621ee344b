// Shared by the release tools: the repository root, compiling projects, loading @octopod/release.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export class UsageError extends Error {}

/** Compiles `projects` (and what they reference) with tsc's incremental build: quick when nothing changed. */
export function compile(projects) {
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-b', ...projects], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`tsc -b ${projects.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** @octopod/release, built first if needed (its dist is what Node can load). */
export function loadReleaseLib() {
  compile(['libs/release']);
  return createRequire(import.meta.url)(join(ROOT, 'libs', 'release'));
}

/** Runs `main`, printing a UsageError (exit 2) or any other error (exit 1) as one line. */
export function runTool(name, usage, main) {
  main().catch((error) => {
    const usageError = error instanceof UsageError;
    process.stderr.write(`${name}: ${error.message}\n${usageError ? `${usage}\n` : ''}`);
    process.exit(usageError ? 2 : 1);
  });
}
