#!/usr/bin/env node
// Makes the Ed25519 key pair that signs releases: <dir>/release.key (0600, keep it off the nodes) and
// <dir>/release.pub (pakma's releaseKey on every node). Never overwrites a key.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadReleaseLib, runTool, UsageError } from './workspace.mjs';

const USAGE = `usage: node tools/release/keygen.mjs --out <dir>

Writes <dir>/release.key (private, mode 0600) and <dir>/release.pub (public). Refuses to overwrite either.
Sign releases with release.key (tools/release/build.mjs --key); give every pakma release.pub (releaseKey).`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(error.message);
  }
  if (parsed.values.help) return { help: true };
  if (!parsed.values.out) throw new UsageError('--out <dir> is required');
  return { out: resolve(parsed.values.out) };
}

async function main() {
  const { help, out } = options();
  if (help) return void process.stdout.write(`${USAGE}\n`);
  const { generateReleaseKeys } = loadReleaseLib();
  const keys = generateReleaseKeys();
  const privatePath = join(out, 'release.key');
  const publicPath = join(out, 'release.pub');
  for (const path of [privatePath, publicPath]) {
    if (existsSync(path)) throw new Error(`${path} exists; not overwriting a release key`);
  }
  mkdirSync(out, { recursive: true });
  // 'wx' as well: never replace a key, even one that appeared meanwhile.
  writeFileSync(privatePath, keys.privateKeyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(publicPath, keys.publicKeyPem, { mode: 0o644, flag: 'wx' });
  process.stdout.write(`${privatePath} (private, 0600)\n${publicPath} (public)\n`);
}

runTool('keygen', USAGE, main);
