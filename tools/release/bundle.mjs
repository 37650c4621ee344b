// One self-contained JS file per program, with the release version baked in, checked by running it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './workspace.mjs';

/**
 * Bundles a compiled entry point (CommonJS, Node 20) into one file. `OCTOPOD_RELEASE_VERSION` is defined as the
 * release version: apps/tentacle/src/version.ts and apps/pakma/src/version.ts report it (the brain sees it in hello).
 * ws's optional native add-ons stay out: ws works without them.
 */
export async function bundle(entry, version) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    outfile: 'bundle.js',
    define: { OCTOPOD_RELEASE_VERSION: JSON.stringify(version) },
    external: ['bufferutil', 'utf-8-validate'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  for (const warning of result.warnings) {
    const where = warning.location ? ` (${warning.location.file}:${warning.location.line})` : '';
    process.stderr.write(`warning: ${entry}: ${warning.text}${where}\n`);
  }
  return Buffer.from(result.outputFiles[0].contents);
}

/**
 * Runs each bundle alone in an empty directory (so nothing resolves from node_modules) with `--version` and
 * `--help`: it must start and print the release version.
 */
export function checkBundles(bundles, version) {
  const dir = mkdtempSync(join(tmpdir(), 'octopod-release-check-'));
  try {
    for (const [name, code] of Object.entries(bundles)) {
      const file = join(dir, name);
      writeFileSync(file, code);
      const printed = run(file, '--version');
      if (printed.trim() !== version)
        throw new Error(`${name} --version printed "${printed.trim()}", not ${version}`);
      run(file, '--help');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(file, arg) {
  const result = spawnSync(process.execPath, [file, arg], {
    cwd: tmpdir(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status !== 0) {
    throw new Error(
      `node ${file} ${arg} failed (exit ${result.status ?? result.signal}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}
