import type { OctopodClient, TaskDetail, TaskEvent } from '@octopod/sdk';
import { waitFor } from '@octopod/testing';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/sdk-client';
import { startStack, type Stack } from '../support/stack';
import { randomFile, sha256File } from './file-tree.helper';

const MiB = 1024 * 1024;
const NODES = ['node-1', 'node-2', 'node-3'];

/** Real name server, brain and three tentacles; files go through the SDK as octl and users' programs do. */
describe('file transfers to and from real tentacles', () => {
  let stack: Stack;
  let client: OctopodClient;
  const storeOf = (node: string) => join(dirname(stack.tentacles.get(node)!.workspace), 'fstore');

  const upload = async (path: string) => client.uploadBlob(createReadStream(path), (await stat(path)).size);
  const finished = (task: TaskDetail, onEvent: (event: TaskEvent) => void = () => undefined) =>
    client.streamTaskEvents(task.id, onEvent);

  beforeAll(async () => {
    stack = await startStack({ tentacles: NODES });
    client = adminClient(stack);
  });
  afterAll(async () => {
    client?.close();
    await stack?.stop();
  });

  it('sends a 100 MB random file to three nodes byte for byte, with progress', async () => {
    const local = join(stack.dir, 'big.bin');
    await randomFile(local, 100 * MiB);
    const expected = await sha256File(local);
    const blob = await upload(local);
    expect(blob).toEqual({ sha256: expected, size: 100 * MiB });
    const task = await client.pushFile({
      blob: blob.sha256,
      name: 'big.bin',
      format: 'file',
      path: '@fstore/x',
      targets: NODES,
    });
    const progress = new Map<string, number>();
    const done = await finished(task, (event) => {
      if (event.type === 'progress') progress.set(event.progress.node, event.progress.bytes);
    });
    expect(done.invocations.map((i) => [i.node, i.state])).toEqual(NODES.map((n) => [n, 'success']));
    for (const node of NODES) {
      const landed = join(storeOf(node), 'x', 'big.bin');
      expect(await sha256File(landed)).toBe(expected);
      expect(progress.get(node)).toBe(100 * MiB);
      // Nothing of the transfer is left beside it.
      expect(readdirNames(join(storeOf(node), 'x'))).toEqual(['big.bin']);
    }
  });

  it('resumes a push after the node is killed mid-transfer, re-sending nothing it had confirmed', async () => {
    const local = join(stack.dir, 'resume.bin');
    await randomFile(local, 300 * MiB);
    const expected = await sha256File(local);
    const blob = await upload(local);
    const node = 'node-1';
    const task = await client.pushFile({
      blob: blob.sha256,
      name: 'resume.bin',
      format: 'file',
      path: '@fstore/r',
      targets: [node],
      deliveryTimeoutSeconds: 120,
    });
    const tentacle = stack.tentacles.get(node)!;
    let confirmedBeforeKill = 0;
    await new Promise<void>((resolve, reject) => {
      client
        .streamTaskEvents(task.id, (event) => {
          if (event.type === 'progress' && event.progress.bytes > 20 * MiB && confirmedBeforeKill === 0) {
            tentacle.process.child.kill('SIGSTOP');
            confirmedBeforeKill = event.progress.bytes;
            resolve();
          }
        })
        .catch(reject);
    });
    await tentacle.process.kill();
    const restarted = await stack.startTentacle(node);
    await restarted.ready();
    const done = await finished(task);
    expect(done.invocations[0].state).toBe('success');
    expect(await sha256File(join(storeOf(node), 'r', 'resume.bin'))).toBe(expected);
    const resumedAt = resumeOffset(restarted.process.output());
    expect(resumedAt).toBeGreaterThanOrEqual(confirmedBeforeKill);
    expect(resumedAt).toBeLessThan(300 * MiB);
  });

  it('pulls a file back from a node byte for byte', async () => {
    const local = join(stack.dir, 'pulled.bin');
    const task = await client.pullFile({ node: 'node-2', path: '@fstore/x/big.bin' });
    const done = await finished(task);
    const pulled = JSON.parse(done.invocations[0].output) as { blob: string; size: number; type: string };
    expect(pulled).toMatchObject({ size: 100 * MiB, type: 'file' });
    await client.downloadBlob(pulled.blob, createWriteStream(local));
    expect(await sha256File(local)).toBe(await sha256File(join(storeOf('node-2'), 'x', 'big.bin')));
  });

  it('refuses paths that leave their root, naming the path, and writes nothing', async () => {
    const blob = await client.uploadBlob(stringStream('evil'), 4);
    for (const path of ['@fstore/../../escape', '../escape', '@nowhere/x']) {
      const task = await client.pushFile({
        blob: blob.sha256,
        name: 'evil.txt',
        format: 'file',
        path,
        targets: ['node-3'],
      });
      const done = await finished(task);
      expect(done.invocations[0].state, path).toBe('failed');
      expect(done.invocations[0].error, path).toMatch(/leaves|unknown|variable/i);
    }
    expect(existsSync(join(dirname(storeOf('node-3')), 'escape'))).toBe(false);
    expect(existsSync(join(storeOf('node-3'), '..', '..', 'escape'))).toBe(false);
  });

  it("reports a node's full disk as that node failing, cleanly", async () => {
    if (process.getuid?.() !== 0)
      return expect.fail('this test mounts a tmpfs and needs root (CI runs as root)');
    const small = join(storeOf('node-3'), 'small');
    await mkdir(small, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    try {
      const local = join(stack.dir, 'too-big.bin');
      await randomFile(local, 5 * MiB);
      const blob = await upload(local);
      const task = await client.pushFile({
        blob: blob.sha256,
        name: 'too-big.bin',
        format: 'file',
        path: '@fstore/small',
        targets: ['node-3'],
      });
      const done = await finished(task);
      expect(done.invocations[0].state).toBe('failed');
      expect(done.invocations[0].error).toMatch(/no space left/i);
      // The partial file is gone and the node still works.
      await waitFor(() => readdirNames(small).length === 0, { timeoutMs: 5000 });
      const ok = await finished(
        await client.pushFile({
          blob: (await client.uploadBlob(stringStream('ok'), 2)).sha256,
          name: 'ok.txt',
          format: 'file',
          path: '@fstore/small',
          targets: ['node-3'],
        }),
      );
      expect(ok.invocations[0].state).toBe('success');
      expect(statSync(join(small, 'ok.txt')).size).toBe(2);
    } finally {
      execFileSync('umount', ['-l', small]);
    }
  });
});

function readdirNames(dir: string): string[] {
  return readdirSync(dir).sort();
}

function stringStream(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

/** The offset the tentacle said it resumed a push from (its log line), or -1. */
function resumeOffset(log: string): number {
  const line = log.split('\n').find((l) => l.includes('"resume"') || /resum/i.test(l));
  const match = line?.match(/"offset":(\d+)/);
  return match ? Number(match[1]) : -1;
}
