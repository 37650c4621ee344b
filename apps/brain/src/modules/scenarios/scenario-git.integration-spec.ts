import { git } from '@octopod/scenario';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScenarioGit } from './scenario-git';
import type { Snapshot } from './snapshot';

const snapshot = (version: string): Snapshot => [
  { name: 'app', description: 'd', nodeApps: [{ node: 'n1', version }] },
];

describe('ScenarioGit (real git)', () => {
  let root: string;
  let scenarios: ScenarioGit;
  const folder = (name: string, files: Record<string, string>) => {
    const dir = join(root, 'folders', name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  };
  const log = async () => (await git(scenarios.dir('demo'), ['log', '--format=%s'])).trim().split('\n');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'octopod-scengit-'));
    scenarios = new ScenarioGit(join(root, 'scenarios'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('commits a version per call with the folder and the snapshot; a resumed step finds its commit', async () => {
    const a = folder('a', { 'deployment.yaml': 'name: demo\n' });
    const first = await scenarios.commit('demo', {
      folder: a,
      snapshot: snapshot('1'),
      message: 'one',
      stepKey: 'r1/1',
    });
    expect(first).toMatch(/^[0-9a-f]{40}$/);
    expect(
      await scenarios.commit('demo', { folder: a, snapshot: snapshot('1'), message: 'one', stepKey: 'r1/1' }),
    ).toBe(first);
    const second = await scenarios.commit('demo', {
      folder: null,
      snapshot: snapshot('2'),
      message: 'two',
      stepKey: 'r2/1',
    });
    expect(second).not.toBe(first);
    expect(await log()).toEqual(['two', 'one']);
    expect(readFileSync(join(scenarios.dir('demo'), 'deployment.yaml'), 'utf8')).toBe('name: demo\n');
    expect(JSON.parse(readFileSync(join(scenarios.dir('demo'), '.octopod/snapshot.json'), 'utf8'))).toEqual(
      snapshot('2'),
    );
  });

  it('tells whether a folder differs from the last version', async () => {
    const a = folder('a', { 'deployment.yaml': 'name: demo\n' });
    expect(await scenarios.folderChanged('demo', a)).toBe(true);
    await scenarios.commit('demo', { folder: a, snapshot: snapshot('1'), message: 'one', stepKey: 'r1/1' });
    expect(await scenarios.folderChanged('demo', a)).toBe(false);
    expect(
      await scenarios.folderChanged('demo', folder('b', { 'deployment.yaml': 'name: demo # v2\n' })),
    ).toBe(true);
  });

  it('resets revert-like: A→B→C reset to A gives A→B→C→A, with files of A only', async () => {
    const hashA = await scenarios.commit('demo', {
      folder: folder('a', { 'deployment.yaml': 'A\n' }),
      snapshot: snapshot('a'),
      message: 'A',
      stepKey: 'r1/1',
    });
    await scenarios.commit('demo', {
      folder: folder('b', { 'deployment.yaml': 'B\n', 'extra.sh': 'x' }),
      snapshot: snapshot('b'),
      message: 'B',
      stepKey: 'r2/1',
    });
    await scenarios.commit('demo', { folder: null, snapshot: snapshot('c'), message: 'C', stepKey: 'r3/1' });
    const reset = await scenarios.reset('demo', {
      hash: hashA,
      snapshot: snapshot('a2'),
      message: 'back',
      stepKey: 'r4/1',
    });
    expect(
      await scenarios.reset('demo', {
        hash: hashA,
        snapshot: snapshot('a2'),
        message: 'back',
        stepKey: 'r4/1',
      }),
    ).toBe(reset);
    expect(await log()).toEqual(['back', 'C', 'B', 'A']);
    expect(readFileSync(join(scenarios.dir('demo'), 'deployment.yaml'), 'utf8')).toBe('A\n');
    expect(existsSync(join(scenarios.dir('demo'), 'extra.sh'))).toBe(false);
    expect(JSON.parse(readFileSync(join(scenarios.dir('demo'), '.octopod/snapshot.json'), 'utf8'))).toEqual(
      snapshot('a2'),
    );
    await scenarios.remove('demo');
    expect(existsSync(scenarios.dir('demo'))).toBe(false);
  });
});
