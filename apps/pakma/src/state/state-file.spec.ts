import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_STATE } from './pakma-state';
import { loadState, saveState } from './state-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pakma-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pakma.json', () => {
  it('starts EMPTY and writes the file at once, creating its directory (Octopoda forgot to)', async () => {
    const path = join(dir, 'root', 'pakma.json');
    expect(await loadState(path)).toEqual(EMPTY_STATE);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      StateType: 1,
      Version1: '',
      Version2: '',
      Version3: '',
    });
  });

  it("keeps Octopoda's field names and the preview deadline", async () => {
    const path = join(dir, 'pakma.json');
    const state = {
      type: 3,
      last: '1',
      current: '2',
      preview: '3',
      previewDeadline: Date.parse('2026-11-23T10:10:00Z'),
    } as const;
    await saveState(path, state);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      StateType: 3,
      Version1: '1',
      Version2: '2',
      Version3: '3',
      PreviewDeadline: '2026-11-23T10:10:00.000Z',
    });
    expect(await loadState(path)).toEqual(state);
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it("reads Octopoda's own file", async () => {
    const path = join(dir, 'pakma.json');
    writeFileSync(path, '{"StateType":2,"Version1":"","Version2":"1.3.0","Version3":""}');
    expect(await loadState(path)).toEqual({ type: 2, last: '', current: '1.3.0', preview: '' });
  });

  it('refuses a damaged file rather than forgetting what is installed', async () => {
    const path = join(dir, 'pakma.json');
    writeFileSync(path, '{"StateType":7}');
    await expect(loadState(path)).rejects.toThrow(/pakma\.json: StateType: .*; fix or remove it$/);
    writeFileSync(path, 'garbage');
    await expect(loadState(path)).rejects.toThrow('pakma.json: not valid JSON; fix or remove it');
  });
});
