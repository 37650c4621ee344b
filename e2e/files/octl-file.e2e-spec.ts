import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack';
import { describeTree, makeSampleTree } from './file-tree.helper';

const NODES = ['f-1', 'f-2'];

/** octl file upload / download / ls against real tentacles: Octopoda's syntax, our transfers. */
describe('octl file', () => {
  let stack: Stack;
  const storeOf = (node: string) => join(dirname(stack.tentacles.get(node)!.workspace), 'fstore');

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
  });
  afterAll(() => stack?.stop());

  it('uploads a directory (nested, empty file and dir, symlink, modes) and downloads it back identical', async () => {
    const source = join(stack.dir, 'sample');
    await makeSampleTree(source);
    const up = await stack.octl(['file', 'upload', source, '@fstore/up', ...NODES, '-o', 'json']);
    expect(up.code, up.stderr).toBe(0);
    const results = JSON.parse(up.stdout) as Array<{ Name: string; Code: number; Result: string }>;
    expect(results.map((r) => [r.Name, r.Code, r.Result]).sort()).toEqual(NODES.map((n) => [n, 0, 'OK']));
    const expected = describeTree(source);
    for (const node of NODES) expect(describeTree(join(storeOf(node), 'up', 'sample'))).toEqual(expected);

    const back = join(stack.dir, 'back');
    const down = await stack.octl(['file', 'download', '@fstore/up/sample', back, 'f-2']);
    expect(down.code, down.stderr).toBe(0);
    expect(describeTree(join(back, 'sample'))).toEqual(expected);
  });

  it('lists a node directory the way Octopoda does', async () => {
    const ls = await stack.octl(['file', 'ls', '@fstore/up/sample', 'f-1', '-o', 'json']);
    expect(ls.code, ls.stderr).toBe(0);
    const entries = JSON.parse(ls.stdout) as Array<{ Name: string; Size: number; ModifyTime: string }>;
    expect(entries.map((e) => e.Name)).toContain('a/b/c/deep.bin');
    expect(entries.find((e) => e.Name === 'a/b/c/deep.bin')?.Size).toBe(200_000);
    expect(entries[0].ModifyTime).toMatch(/^\d\d月\d\d日 \d\d:\d\d$/);
  });

  it('refuses a target that leaves the store, on every node, and exits non-zero', async () => {
    const file = join(stack.dir, 'x.txt');
    writeFileSync(file, 'x');
    const res = await stack.octl(['file', 'upload', file, '../../outside', ...NODES, '-o', 'json']);
    expect(res.code).not.toBe(0);
    const results = JSON.parse(res.stdout) as Array<{ Code: number; ProcessErrorMsg: string }>;
    expect(results.every((r) => r.Code === 2 && /leaves @fstore/.test(r.ProcessErrorMsg))).toBe(true);
  });

  it('says clearly when the remote file does not exist, and creates nothing', async () => {
    const into = join(stack.dir, 'nothing');
    const res = await stack.octl(['file', 'download', '@fstore/none.bin', into, 'f-1']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/not found/);
    expect(existsSync(into)).toBe(false);
  });
});
