import { extractTar, extractZip, placeEntries, placeFile } from '@octopod/files';
import type { TransferFormat } from '@octopod/protocol';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
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
  // A staging directory left by a run that stopped while extracting is stale: start it afresh.
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  if (format === 'tar') {
    const input = createReadStream(part);
    try {
      await extractTar(input, staging);
    } finally {
      input.destroy();
    }
    await placeEntries(staging, target);
    return;
  }
  await extractZip(part, staging);
  await placeEntries(await wrapContents(staging), target);
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
