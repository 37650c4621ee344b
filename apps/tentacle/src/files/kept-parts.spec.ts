import { waitFor } from '@octopod/testing';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileWorld, pushOf } from '../testing/file-world';
import { MemoryTransfers } from '../testing/memory-transfers';
import { STALE_PART_MS } from './kept-parts';
import type { NodeFiles } from './node-files';
import { PullSources } from './pull-sources';

let world: ReturnType<typeof fileWorld>;
const running: NodeFiles[] = [];

beforeEach(() => (world = fileWorld('kept-parts-')));
afterEach(() => {
  for (const files of running.splice(0)) files.close();
  world.remove();
});

function start(now?: () => number): NodeFiles {
  const files = world.files(now ? { now } : {});
  running.push(files);
  return files;
}

const keptFile = (): string => join(world.dirs.state, 'transfers', 'kept.json');
const recorded = (): string[] => Object.keys(JSON.parse(readFileSync(keptFile(), 'utf8')) as object);

/** Starts a push and closes its link at once: its partial file is kept for a resume. Returns that file. */
async function keepPart(files: NodeFiles): Promise<{ transferId: string; part: string }> {
  const body = pushOf(randomBytes(64 * 1024));
  const transfers = new MemoryTransfers();
  expect((await files.push(body, transfers.tentacle)).kind).toBe('file.ready');
  transfers.close();
  await waitFor(() => existsSync(keptFile()) && recorded().includes(body.transferId), {
    what: 'the kept partial file to be recorded',
    timeoutMs: 3000,
  });
  const part = join(world.dirs.fstore, 'in', `.octopod-${body.transferId}.part`);
  expect(existsSync(part)).toBe(true);
  return { transferId: body.transferId, part };
}

describe('kept partial files', () => {
  it('are still known after a restart, so a cancel then removes them', async () => {
    const { transferId, part } = await keepPart(start());
    const restarted = start();
    await restarted.swept;
    await restarted.abort({ transferId, reason: 'cancelled' }, new MemoryTransfers().tentacle);
    expect(existsSync(part)).toBe(false);
    expect(recorded()).toEqual([]);
  });

  it('are removed at start-up once older than a day, and younger ones stay', async () => {
    const old = await keepPart(start());
    const later = Date.now() + STALE_PART_MS + 60_000;
    const young = await keepPart(start(() => later));
    const restarted = start(() => later + 1000);
    await restarted.swept;
    expect(existsSync(old.part)).toBe(false);
    expect(existsSync(young.part)).toBe(true);
    expect(recorded()).toEqual([young.transferId]);
  });

  it('are forgotten when their file is gone, and an unreadable list counts as empty', async () => {
    const { part } = await keepPart(start());
    rmSync(part);
    const restarted = start();
    await restarted.swept;
    expect(recorded()).toEqual([]);
    writeFileSync(keptFile(), 'not json');
    await start().swept;
    expect(world.log.find('ignoring an unreadable list of kept partial files')).toHaveLength(1);
  });

  it('outlive the sweep of packed pulls', async () => {
    await keepPart(start());
    const listed = readFileSync(keptFile(), 'utf8');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(keptFile(), twoHoursAgo, twoHoursAgo);
    await new PullSources(world.dirs.state, world.log.logger).sweep();
    expect(readFileSync(keptFile(), 'utf8')).toBe(listed);
  });
});
