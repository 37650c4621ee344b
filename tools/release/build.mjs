#!/usr/bin/env node
// Builds a signed release: compiles the repo (incrementally), bundles the app and pakma into single JS files,
// packs them with manifest.json into octopod-<app>_v<version>_<os>_<arch>.tar.gz and signs it (<file>.sig).
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle, checkBundles } from './bundle.mjs';
import { compile, loadReleaseLib, runTool, UsageError } from './workspace.mjs';

/** Apps that can be released: the project to compile and its compiled entry point. */
const APPS = { tentacle: { project: 'apps/tentacle', entry: 'apps/tentacle/dist/main.js' } };
const PAKMA = { project: 'apps/pakma', entry: 'apps/pakma/dist/main.js' };

const USAGE = `usage: node tools/release/build.mjs --app tentacle --version <x.y.z> --key <release.key> --out <dir>
                                [--os <os>] [--arch <arch>]

Writes <dir>/octopod-<app>_v<version>_<os>_<arch>.tar.gz (manifest.json, <app>.js, pakma.js) and its .sig
(base64 Ed25519 signature of the tarball). os/arch default to this machine (${process.platform}/${process.arch}).
There is no unsigned release. Make a key with: node tools/release/keygen.mjs --out <dir>`;

function options(versionProblem) {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        app: { type: 'string' },
        version: { type: 'string' },
        key: { type: 'string' },
        out: { type: 'string' },
        os: { type: 'string', default: process.platform },
        arch: { type: 'string', default: process.arch },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error.message);
  }
  for (const name of ['app', 'version', 'key', 'out']) {
    if (!values[name]) throw new UsageError(`--${name} is required`);
  }
  if (!APPS[values.app]) throw new UsageError(`--app: only ${Object.keys(APPS).join(', ')} can be released`);
  const problem = versionProblem(values.version);
  if (problem) throw new UsageError(`--version "${values.version}": ${problem}`);
  return { ...values, key: resolve(values.key), out: resolve(values.out) };
}

async function main() {
  if (process.argv.includes('-h') || process.argv.includes('--help'))
    return void process.stdout.write(`${USAGE}\n`);
  const release = loadReleaseLib();
  const { app, version, key, out, os, arch } = options(release.versionProblem);
  const privateKeyPem = readFileSync(key, 'utf8');
  const file = join(out, release.releaseFileName(app, version, os, arch));
  const sigFile = release.signatureFileName(file);
  for (const path of [file, sigFile]) {
    if (existsSync(path))
      throw new Error(`${path} exists: a published version is never rebuilt (use a new version)`);
  }

  compile([APPS[app].project, PAKMA.project]);
  const bundles = {
    [`${app}.js`]: await bundle(APPS[app].entry, version),
    'pakma.js': await bundle(PAKMA.entry, version),
  };
  checkBundles(bundles, version);

  const { bytes, manifest } = await release.packRelease({
    files: Object.entries(bundles).map(([path, data]) => ({ path, data })),
    manifest: { app, version, os, arch, entry: `${app}.js` },
  });
  const signature = release.signRelease(bytes, privateKeyPem);
  // Checked as a node will check it, with the public half of the key.
  const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  release.verifyRelease(bytes, signature, publicKeyPem);

  mkdirSync(out, { recursive: true });
  writeFileSync(file, bytes, { flag: 'wx' });
  writeFileSync(sigFile, `${signature}\n`, { flag: 'wx' });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  process.stdout.write(
    `${file} (${size(bytes.length)}, sha256 ${sha256})\n${sigFile}\n` +
      Object.entries(bundles)
        .map(([name, code]) => `  ${name} ${size(code.length)}${name === manifest.entry ? ' (entry)' : ''}\n`)
        .join(''),
  );
}

function size(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

runTool('release', USAGE, main);
