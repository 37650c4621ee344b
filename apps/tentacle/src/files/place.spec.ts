import { makeTempDir } from '@octopod/testing';
import { mkdirSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeStaging, placeStaged, pushPaths } from './place';

let temp: ReturnType<typeof makeTempDir>;
let target: string;
let staging: string;

beforeEach(() => {
  temp = makeTempDir('place-');
  target = join(temp.path, 'target');
  mkdirSync(target);
  staging = pushPaths(target, 'id-1').staging;
});
afterEach(() => temp.remove());

describe('staging directory of an archive push', () => {
  it('is made private (0700), afresh, and its entries placed into the target', async () => {
    mkdirSync(join(staging, 'stale'), { recursive: true });
    const made = await makeStaging(staging);
    expect(statSync(staging).mode & 0o777).toBe(0o700);
    expect(readdirSync(staging)).toEqual([]);
    writeFileSync(join(staging, 'a.txt'), 'a');
    await placeStaged(staging, made, target);
    expect(readdirSync(target).sort()).toEqual(['.octopod-id-1.staging', 'a.txt']);
  });

  it('places nothing when the staging path was swapped for a symlink after it was made', async () => {
    const made = await makeStaging(staging);
    const elsewhere = join(temp.path, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, '.bashrc'), 'planted');
    renameSync(staging, join(temp.path, 'moved-away'));
    symlinkSync(elsewhere, staging);
    await expect(placeStaged(staging, made, target)).rejects.toThrow(/replaced while in use/);
    expect(readdirSync(target)).toEqual(['.octopod-id-1.staging']);
    expect(readdirSync(elsewhere)).toEqual(['.bashrc']);
  });

  it('places nothing when the staging path was swapped for another directory', async () => {
    const made = await makeStaging(staging);
    renameSync(staging, join(temp.path, 'moved-away'));
    mkdirSync(staging);
    writeFileSync(join(staging, '.bashrc'), 'planted');
    await expect(placeStaged(staging, made, target)).rejects.toThrow(/replaced while in use/);
    expect(readdirSync(target)).toEqual(['.octopod-id-1.staging']);
  });
});
