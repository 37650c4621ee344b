import { waitFor } from '@octopod/testing';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, startTestBrain, type ApiResponse, type TestBrain } from '../../../test/brain-harness';
import { BlobService } from './blob.service';
import { FilesRepository } from './files.repository';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface TaskDetail {
  id: string;
  state: string;
  invocations: Array<{ node: string; state: string; error: string | null; output: string }>;
}

describe('files: blobs, pushes and pulls through the brain (real Postgres, Redis, sockets)', () => {
  let t: TestBrain;

  const upload = (data: Buffer, headers: Record<string, string> = {}): Promise<ApiResponse> =>
    t.api('/api/v2/files/blobs', {
      method: 'PUT',
      rawBody: data,
      headers: { 'content-type': 'application/octet-stream', ...headers },
    });
  const finished = async (id: string): Promise<TaskDetail> => {
    let task!: TaskDetail;
    await waitFor(
      async () => {
        task = (await t.api(`/api/v2/tasks/${id}`)).json() as TaskDetail;
        return task.state !== 'running';
      },
      { timeoutMs: 15_000 },
    );
    return task;
  };
  const push = async (blob: string, targets: string[], extra: Record<string, unknown> = {}) => {
    const res = await t.api('/api/v2/files/push', {
      method: 'POST',
      body: { blob, name: 'data.bin', format: 'file', path: '@fstore/x', targets, ...extra },
    });
    expect(res.status, res.text).toBe(201);
    return finished((res.json() as TaskDetail).id);
  };

  beforeAll(async () => {
    t = await startTestBrain();
  });
  afterAll(() => t.stop());

  it('stores an upload by its sha256 and gives the same bytes back', async () => {
    const data = randomBytes(300_000);
    const res = await upload(data);
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ sha256: sha(data), size: data.length });
    const back = await t.api(`/api/v2/files/blobs/${sha(data)}`);
    expect(back.status).toBe(200);
    expect(back.raw.equals(data)).toBe(true);
    expect(back.headers['x-octopod-sha256']).toBe(sha(data));
  });

  it('refuses an upload whose announced sha256 does not match, and keeps nothing', async () => {
    const data = randomBytes(1000);
    const res = await upload(data, { 'x-octopod-sha256': '0'.repeat(64) });
    expect(res.status).toBe(422);
    expect(res.json()).toMatchObject({ code: 'checksum_mismatch' });
    expect((await t.api(`/api/v2/files/blobs/${sha(data)}`)).status).toBe(404);
  });

  it('pushes a blob to several nodes in checksummed chunks; each node gets every byte', async () => {
    for (const name of ['p1', 'p2', 'p3']) {
      t.pki.client(name);
      await t.tentacle(name).join();
    }
    const data = randomBytes(1_000_000);
    const { sha256 } = (await upload(data)).json() as { sha256: string };
    const task = await push(sha256, ['p1', 'p2', 'p3']);
    expect(task.state).toBe('done');
    expect(task.invocations.map((i) => i.state)).toEqual(['success', 'success', 'success']);
  });

  it('re-sends a corrupted chunk, once, and the node ends with the exact bytes', async () => {
    t.pki.client('bad-line');
    const node = t.tentacle('bad-line', { files: { corruptChunk: 3 } });
    await node.join();
    const data = randomBytes(700_000);
    const { sha256 } = (await upload(data)).json() as { sha256: string };
    const task = await push(sha256, ['bad-line']);
    expect(task.invocations[0].state).toBe('success');
    const [received] = node.files.pushes.values();
    expect(received.rejected).toBe(1);
    expect(node.files.bytesOf(received.push.transferId).equals(data)).toBe(true);
  });

  it('records a node refusing the target as that node failing, with its words', async () => {
    t.pki.client('strict');
    const refusePush = () => ({ code: 'target_invalid', message: 'target path not exist' });
    await t.tentacle('strict', { files: { refusePush } }).join();
    const { sha256 } = (await upload(randomBytes(10))).json() as { sha256: string };
    const task = await push(sha256, ['strict'], { force: false });
    expect(task.invocations[0]).toMatchObject({ state: 'failed', error: 'target path not exist' });
  });

  it('refuses a push of a blob the brain does not have, and bad requests by field', async () => {
    const missing = await t.api('/api/v2/files/push', {
      method: 'POST',
      body: { blob: 'a'.repeat(64), name: 'x', format: 'file', path: 'x', targets: ['p1'] },
    });
    expect([missing.status, (missing.json() as { code: string }).code]).toEqual([404, 'blob_not_found']);
    const badName = await t.api('/api/v2/files/push', {
      method: 'POST',
      body: { blob: 'a'.repeat(64), name: '../x', format: 'file', path: 'x', targets: ['p1'] },
    });
    expect(badName.status).toBe(400);
    expect(badName.text).toContain('name must be a plain file name');
  });

  it('pulls a file from a node into a blob, and streams it as content', async () => {
    const data = randomBytes(400_000);
    t.pki.client('holder');
    await t.tentacle('holder', { files: { files: { '@log/run.log': { data, type: 'file' } } } }).join();
    const created = await t.api('/api/v2/files/pull', {
      method: 'POST',
      body: { node: 'holder', path: '@log/run.log' },
    });
    expect(created.status).toBe(201);
    const task = await finished((created.json() as TaskDetail).id);
    const pulled = JSON.parse(task.invocations[0].output) as { blob: string; size: number; type: string };
    expect(pulled).toMatchObject({ blob: sha(data), size: data.length, type: 'file' });
    const content = await t.api('/api/v2/nodes/holder/files/content?path=@log/run.log');
    expect(content.status).toBe(200);
    expect(content.headers['x-octopod-type']).toBe('file');
    expect(content.raw.equals(data)).toBe(true);
    const missing = await t.api('/api/v2/nodes/holder/files/content?path=@log/none');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('file or path not found');
  });

  it('lists a node directory and the brain store', async () => {
    const entry = { name: 'a.txt', type: 'file' as const, size: 3, mode: 0o644, mtimeMs: 1 };
    t.pki.client('lister');
    await t.tentacle('lister', { files: { tree: { '@fstore': [entry] } } }).join();
    const tree = await t.api('/api/v2/nodes/lister/files?path=@fstore');
    expect(tree.json()).toMatchObject({ node: 'lister', entries: [entry] });
    mkdirSync(join(t.config.workspace.store, 'sub'), { recursive: true });
    writeFileSync(join(t.config.workspace.store, 'sub', 'b.txt'), 'hello');
    writeFileSync(join(t.config.workspace.store, '.hidden'), 'x');
    const brain = (await t.api('/api/v2/nodes/brain/files?path=@fstore')).json() as {
      entries: Array<{ name: string; size: number }>;
    };
    expect(brain.entries.map((e) => e.name)).toEqual(['sub', 'sub/b.txt']);
    expect((await t.api('/api/v2/nodes/brain/files?path=@fstore/../..')).status).toBe(400);
    expect((await t.api('/api/v2/nodes/lister/files?path=@nowhere')).status).toBe(404);
  });

  it('a transfer that stalls holds up neither other tasks nor, once its node is gone, the delivery timeout', async () => {
    t.pki.client('hung');
    const hung = t.tentacle('hung', { files: { stallAfterBytes: 256 * 1024 } });
    await hung.join();
    t.pki.client('quick');
    await t.tentacle('quick').join();
    const { sha256 } = (await upload(randomBytes(2_000_000))).json() as { sha256: string };
    const started = await t.api('/api/v2/files/push', {
      method: 'POST',
      body: {
        blob: sha256,
        name: 'big',
        format: 'file',
        path: 'x',
        targets: ['hung'],
        deliveryTimeoutSeconds: 1,
      },
    });
    const pushId = (started.json() as TaskDetail).id;
    await waitFor(
      async () =>
        ((await t.api(`/api/v2/tasks/${pushId}`)).json() as TaskDetail).invocations[0].state === 'running',
    );
    // A command to another node runs while the push waits for confirmations that never come.
    const command = await t.api('/api/v2/tasks', {
      method: 'POST',
      body: { targets: ['quick'], command: 'true' },
    });
    expect((await finished((command.json() as TaskDetail).id)).invocations[0].state).toBe('success');
    // The node goes away: the push waits for it again, with a fresh deadline, and then gives up.
    await hung.close();
    const push = await finished(pushId);
    expect(push.invocations[0].state).toBe('delivery_timed_out');
  });

  it('fails a push whose node stays connected but confirms nothing for the idle limit, saying so', async () => {
    t.pki.client('frozen');
    await t.tentacle('frozen', { files: { stallAfterBytes: 0 } }).join();
    const { sha256 } = (await upload(randomBytes(1_000_000))).json() as { sha256: string };
    const task = await push(sha256, ['frozen']);
    expect(task.invocations[0].state).toBe('failed');
    expect(task.invocations[0].error).toMatch(/confirmed nothing for 3 s \(at 0 of 1000000 bytes\)/);
  });

  it('fails a pull whose node stays connected but sends nothing for the idle limit', async () => {
    t.pki.client('mute');
    const mute = t.tentacle('mute', {
      files: { files: { '@log/a': { data: randomBytes(10), type: 'file' } } },
    });
    await mute.join();
    mute.files.read = () => undefined; // offers the file, then never sends it
    const created = await t.api('/api/v2/files/pull', {
      method: 'POST',
      body: { node: 'mute', path: '@log/a' },
    });
    const task = await finished((created.json() as TaskDetail).id);
    expect(task.invocations[0]).toMatchObject({ state: 'failed', error: 'the node sent nothing for 3 s' });
  });

  it('keeps brain file routes inside their roots: no absolute paths, no way out through a link', async () => {
    const store = t.config.workspace.store;
    mkdirSync(store, { recursive: true });
    symlinkSync('/etc', join(store, 'etc-link'));
    const absolute = await t.api('/api/v2/nodes/brain/files/content?path=/etc/hostname');
    expect([absolute.status, (absolute.json() as { code: string }).code]).toEqual([400, 'path_refused']);
    const viaLink = await t.api('/api/v2/nodes/brain/files/content?path=@fstore/etc-link/hostname');
    expect([viaLink.status, (viaLink.json() as { code: string }).code]).toEqual([400, 'path_refused']);
    const v1 = { rootpath: '', currentpath: '', password: ROOT_PASSWORD };
    const spread = await t.api('/api/v1/file/spread', {
      method: 'POST',
      headers: v1,
      body: { TargetPath: 'x', FileOrDir: '../@root/.ssh/id_rsa', TargetNodes: ['p1'] },
    });
    expect(spread.status).toBe(400);
    expect(spread.text).toContain('leaves @fstore');
  });

  it('writes nothing to disk for an Octopoda upload from a connection without a client certificate', async () => {
    const blobs = t.brain.app.get(BlobService);
    const tmp = join(blobs.store.dir, 'tmp');
    const before = existsSync(tmp) ? readdirSync(tmp).length : 0;
    const boundary = 'octopodtestboundary';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="tarfile"; filename="x.zip"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n${'x'.repeat(100_000)}\r\n--${boundary}--\r\n`;
    const res = await t.api('/api/v1/file/upload', {
      method: 'POST',
      cert: null,
      rawBody: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.status).toBe(401);
    expect(existsSync(tmp) ? readdirSync(tmp).length : 0).toBe(before);
  });

  it('collects blobs nobody used for the retention period, and keeps the others', async () => {
    const old = randomBytes(100);
    const fresh = randomBytes(100);
    const { sha256: oldSha } = (await upload(old)).json() as { sha256: string };
    const { sha256: freshSha } = (await upload(fresh)).json() as { sha256: string };
    const blobs = t.brain.app.get(BlobService);
    const repository = t.brain.app.get(FilesRepository);
    await repository.touch(oldSha, old.length, new Date(Date.now() - 48 * 3600_000));
    await blobs.collect();
    expect(existsSync(blobs.store.path(oldSha))).toBe(false);
    expect(existsSync(blobs.store.path(freshSha))).toBe(true);
  });
});
