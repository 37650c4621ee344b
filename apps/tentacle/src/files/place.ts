import { extractTar, extractZip, placeEntries, placeFile } from '@octopod/files';
import type { TransferFormat } from '@octopod/protocol';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface Placement {
  format: TransferFormat;
  /** The received bytes, verified, beside the target. */
  part: string;
  /** An empty directory beside the target for an archive's entries (made here, removed by the caller). */
  staging: string;
  target: string;
  /** For `file`: its name in the target and its permission bits. */
  name: string;
  mode: number | null;
}

/** The partial file and the staging directory of a push live in its target, so the final renames are atomic. */
export function pushPaths(target: string, transferId: string): { part: string; staging: string } {
  return {
    part: join(target, `.octopod-${transferId}.part`),
    staging: join(target, `.octopod-${transferId}.staging`),
  };
}

/** Lays the received bytes down in the target as their format says. */
export async function place(placement: Placement): Promise<void> {
  const { format, part, staging, target } = placement;
  if (format === 'file') {
    await placeFile(part, target, placement.name, placement.mode ?? 0o644);
    return;
  }
  const made = await makeStaging(staging);
  if (format === 'tar') {
    const input = createReadStream(part);
    try {
      await checkStaging(staging, made);
      await extractTar(input, staging);
    } finally {
      input.destroy();
    }
    await placeStaged(staging, made, target);
    return;
  }
  await checkStaging(staging, made);
  await extractZip(part, staging);
  await placeStaged(staging, made, target, await wrapContents(staging));
}

/** What a staging directory was when made here: the same directory is the one whose entries are placed. */
export interface StagingIdentity {
  dev: number;
  ino: number;
}

/**
 * Makes the staging directory afresh (one left by a run that stopped while extracting is stale), private to us: it
 * sits in a user's directory, and we often run as root.
 */
export async function makeStaging(staging: string): Promise<StagingIdentity> {
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  const { dev, ino } = await lstat(staging);
  return { dev, ino };
}

/** Moves the extracted entries (of `from`, inside staging) into the target once staging proves to be ours still. */
export async function placeStaged(
  staging: string,
  made: StagingIdentity,
  target: string,
  from = staging,
): Promise<void> {
  await checkStaging(staging, made);
  await placeEntries(from, target);
}

/** Refuses a staging path swapped since it was made (for a symlink, or another directory). */
async function checkStaging(staging: string, made: StagingIdentity): Promise<void> {
  const now = await lstat(staging);
  const ours = process.getuid === undefined || now.uid === process.getuid();
  if (!now.isDirectory() || now.dev !== made.dev || now.ino !== made.ino || !ours) {
    throw new Error('our staging directory was replaced while in use, nothing placed');
  }
}

/**
 * Octopoda's zips hold `<n>.wrap/<entries>` and it copies `<n>.wrap/*` into the target: with exactly one
 * `*.wrap` directory at the top, its entries are what goes in; otherwise the top level as it is.
 */
async function wrapContents(staging: string): Promise<string> {
  const top = await readdir(staging, { withFileTypes: true });
  const wraps = top.filter((entry) => entry.isDirectory() && entry.name.endsWith('.wrap'));
  return wraps.length === 1 ? join(staging, wraps[0].name) : staging;
}
