import {
  ChunkSender,
  nodeAppListResultSchema,
  nodeAppOutcomeSchema,
  type FilePush,
  type FileReady,
  type NodeAppOp,
  type NodeAppOutcome,
  type NodeAppRef,
  type TaskAssign,
  type TaskResult,
} from '@octopod/protocol';
import { git, VersionedRepo } from '@octopod/scenario';
import { waitFor } from '@octopod/testing';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import type { FakeConnection } from './testing/fake-brain';
import { pushOf } from './testing/file-world';
import { linkedTentacle, useLinkWorld } from './testing/linked-tentacle';
import { memorySource } from './testing/memory-transfers';
import { assignment, scriptAssignment } from './testing/task-fixtures';

const world = useLinkWorld('tentacle-nodeapps-it-');

/**
 * Heartbeats at a relaxed pace: git runs a process per command, and a loaded machine that delays an ack by three
 * 50 ms intervals would drop the link in the middle of a test.
 */
const linked = (brain: { ackResults?: boolean } = {}) =>
  linkedTentacle(world, { brain: { heartbeatIntervalMs: 1000, ...brain } });

const web: NodeAppRef = { app: 'web', scenario: 'demo' };

/** Assigns `task` and resolves with its (first) result. */
async function run(connection: FakeConnection, task: TaskAssign): Promise<TaskResult> {
  const reply = await connection.peer.request('task.assign', task);
  expect(reply.body).toEqual({ invocationId: task.invocationId, duplicate: false });
  return waitFor(() => connection.results.find((r) => r.invocationId === task.invocationId), {
    what: `the result of ${task.invocationId}`,
  });
}

const change = (nodeapp: NodeAppOp, app: NodeAppRef = web) =>
  assignment({ kind: 'nodeapp', command: '', app, nodeapp });

const outcome = (result: TaskResult): NodeAppOutcome => nodeAppOutcomeSchema.parse(JSON.parse(result.output));

/** A tar holding `files` (name → content). */
async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  return buffer(pack as unknown as NodeJS.ReadableStream);
}

/** Pushes `data` over the connection as the brain does and resolves with the push's result. */
async function push(connection: FakeConnection, data: Buffer, body: FilePush): Promise<TaskResult> {
  const ready = (await connection.peer.request('file.push', body)).body as FileReady;
  expect(ready).toEqual({ transferId: body.transferId, offset: 0, finished: false });
  const sender = new ChunkSender(
    { sendBinary: (frame) => connection.socket.send(frame, { binary: true }) },
    body.transferId,
    memorySource(data),
  );
  connection.transfers.addSender(sender);
  await sender.run(0);
  return waitFor(() => connection.results.find((r) => r.invocationId === body.invocationId), {
    what: 'the push result',
  });
}

const prepareOf = (data: Buffer, message: string, app: NodeAppRef = web) =>
  pushOf(data, {
    format: 'tar',
    name: 'src.tar',
    target: 'ignored',
    force: false,
    nodeapp: { ...app, message },
  });

async function list(connection: FakeConnection, only: NodeAppRef | null, offset = 0, limit = 5) {
  const reply = await connection.peer.request('nodeapp.list', { only, offset, limit });
  expect(reply.kind).toBe('nodeapp.list.result');
  return nodeAppListResultSchema.parse(reply.body).apps;
}

describe('scenario scripts', () => {
  it('run in their nodeapp, created with git init, with OCTOPODA_APP, _SCENARIO and _CURRENTDIR set', async () => {
    const { connection, config } = await linked();
    const body = [
      'pwd > "$OCTOPODA_OUTPUT"',
      'echo "$OCTOPODA_APP $OCTOPODA_SCENARIO $OCTOPODA_CURRENTDIR" >> "$OCTOPODA_OUTPUT"',
      'echo made > made.txt',
    ].join('\n');
    const result = await run(connection, scriptAssignment('start.sh', body, { app: web }));
    expect(result).toMatchObject({ state: 'success', exitCode: 0 });
    const dir = join(config.workspace.root, 'web@demo');
    expect(result.output).toBe(`${realpathSync(dir)}\nweb demo ${dir}/\n`);
    expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('made\n');
    expect(existsSync(join(dir, '.git'))).toBe(true);

    const command = await run(
      connection,
      assignment({ command: 'pwd; ls', app: { app: 'api', scenario: 'demo' } }),
    );
    expect(command.stdout).toBe(`${realpathSync(join(config.workspace.root, 'api@demo'))}\n`);
    // A nodeapp that cannot be opened: the script does not run.
    writeFileSync(join(config.workspace.root, 'bad@demo'), 'a file, not a directory');
    const bad = await run(
      connection,
      assignment({ command: 'echo ran', app: { app: 'bad', scenario: 'demo' } }),
    );
    expect(bad).toMatchObject({ state: 'failed', stdout: '', pid: null });
    expect(bad.error).toMatch(/^cannot open nodeapp bad@demo: /);
    // Without an app nothing changes: the workspace root, no OCTOPODA_APP.
    const plain = await run(connection, assignment({ command: 'pwd; echo "[$OCTOPODA_APP]"' }));
    expect(plain.stdout).toBe(`${realpathSync(config.workspace.root)}\n[]\n`);
  });
});

describe('nodeapp changes', () => {
  it('commits what changed, says when nothing did, and always makes a version when asked to', async () => {
    const { connection, config } = await linked();
    const dir = join(config.workspace.root, 'web@demo');
    await run(connection, scriptAssignment('prepare.sh', 'echo hello > hello.txt', { app: web }));
    // A push's partial file, as one stopped by a closed link leaves it in the nodeapp: never committed.
    writeFileSync(join(dir, '.octopod-0b5a3f4e.part'), 'partial');

    const first = await run(connection, change({ op: 'commit', message: 'first', always: false }));
    expect(first).toMatchObject({ state: 'success', error: null, exitCode: null, pid: null });
    const committed = outcome(first);
    expect(committed).toEqual({ version: expect.stringMatching(/^[0-9a-f]{40}$/), modified: true });
    expect(connection.started.some((s) => s.invocationId === first.invocationId)).toBe(true);

    const unchanged = await run(connection, change({ op: 'commit', message: 'again', always: false }));
    expect(outcome(unchanged)).toEqual({ version: committed.version, modified: false });

    const always = outcome(await run(connection, change({ op: 'commit', message: 'commit', always: true })));
    expect(always.modified).toBe(true);
    expect(always.version).not.toBe(committed.version);
    const repo = (await VersionedRepo.find(dir)) as VersionedRepo;
    expect((await repo.versions()).map((v) => v.message)).toEqual(['commit', 'first']);
    expect((await git(dir, ['ls-files'])).split('\n').filter(Boolean).sort()).toEqual([
      '.DUMMY',
      'hello.txt',
    ]);
    expect(await repo.dirty()).toBe(false);
  });

  it('fails a commit or reset of a nodeapp this node does not have, and refuses a task without its op', async () => {
    const { connection, config } = await linked();
    for (const op of [
      { op: 'commit', message: 'm', always: true },
      { op: 'reset', version: 'abcd', message: 'm' },
    ] as const) {
      const result = await run(connection, change(op, { app: 'ghost', scenario: 'demo' }));
      expect(result).toMatchObject({
        state: 'failed',
        exitCode: null,
        error: 'nodeapp ghost@demo does not exist on pi-1',
        output: '',
      });
    }
    expect(existsSync(join(config.workspace.root, 'ghost@demo'))).toBe(false);
    const bare = assignment({ kind: 'nodeapp', command: '', app: web });
    await expect(connection.peer.request('task.assign', bare)).rejects.toThrow(
      'bad_request: a nodeapp task needs `app` and `nodeapp`',
    );
  });

  it('resets to a version by prefix as a new commit, and fails unknown or too short prefixes', async () => {
    const { connection, config } = await linked();
    const dir = join(config.workspace.root, 'web@demo');
    await run(connection, scriptAssignment('a.sh', 'echo A > f.txt', { app: web }));
    const a = outcome(await run(connection, change({ op: 'commit', message: 'A', always: false })));
    await run(connection, scriptAssignment('b.sh', 'echo B > f.txt; echo x > scratch.txt', { app: web }));

    const reset = await run(
      connection,
      change({ op: 'reset', version: a.version.slice(0, 7), message: 'back' }),
    );
    expect(reset.state).toBe('success');
    const back = outcome(reset);
    expect(back.modified).toBe(true);
    expect(back.version).not.toBe(a.version);
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('A\n');
    expect(existsSync(join(dir, 'scratch.txt'))).toBe(false);

    const unknown = await run(connection, change({ op: 'reset', version: '0000000', message: 'm' }));
    expect(unknown).toMatchObject({ state: 'failed', error: `no version 0000000 in ${dir}`, exitCode: null });
    const short = await run(connection, change({ op: 'reset', version: 'a', message: 'm' }));
    expect(short).toMatchObject({ state: 'failed', error: 'version "a" must be 2 to 40 hex digits' });
  });

  it('removes a nodeapp, and succeeds unmodified when it is gone already', async () => {
    const { connection, config } = await linked();
    await run(connection, scriptAssignment('p.sh', 'echo x > x.txt', { app: web }));
    const removed = await run(connection, change({ op: 'remove' }));
    expect(removed.state).toBe('success');
    expect(outcome(removed)).toEqual({ version: '', modified: true });
    expect(existsSync(join(config.workspace.root, 'web@demo'))).toBe(false);
    expect(outcome(await run(connection, change({ op: 'remove' })))).toEqual({
      version: '',
      modified: false,
    });
  });

  it('makes concurrent changes of one nodeapp one after the other', async () => {
    const { connection, config } = await linked();
    await run(connection, scriptAssignment('p.sh', 'echo x > x.txt', { app: web }));
    const tasks = Array.from({ length: 6 }, (_, i) =>
      change({ op: 'commit', message: `c${i}`, always: true }),
    );
    const results = await Promise.all(tasks.map((task) => run(connection, task)));
    expect(results.map((r) => r.error)).toEqual(tasks.map(() => null));
    expect(new Set(results.map((r) => outcome(r).version)).size).toBe(6);
    const repo = (await VersionedRepo.find(join(config.workspace.root, 'web@demo'))) as VersionedRepo;
    expect(await repo.versions(0, 10)).toHaveLength(6);
  });
});

describe("a scenario's push", () => {
  it('goes into the nodeapp and is committed once, even when offered again before the acknowledgement', async () => {
    const { connection, config } = await linked({ ackResults: false });
    const dir = join(config.workspace.root, 'web@demo');
    const data = await tarOf({ README: '- README of web -\n', 'bin/run.sh': 'echo run\n' });
    const body = prepareOf(data, '(Prepare-Stage1) go');
    const result = await push(connection, data, body);
    expect(result).toMatchObject({ state: 'success', error: null });
    const first = outcome(result);
    expect(first.modified).toBe(true);
    expect(readFileSync(join(dir, 'bin', 'run.sh'), 'utf8')).toBe('echo run\n');
    expect(existsSync(join(config.workspace.store, 'ignored'))).toBe(false);
    const repo = (await VersionedRepo.find(dir)) as VersionedRepo;
    expect(await repo.head()).toBe(first.version);
    expect(await repo.dirty()).toBe(false);

    // Offered again while its result waits: answered as finished, nothing is received or committed again.
    const again = (await connection.peer.request('file.push', body)).body as FileReady;
    expect(again).toEqual({ transferId: body.transferId, offset: data.length, finished: true });
    expect((await repo.versions()).map((v) => v.hash)).toEqual([first.version]);
  });

  it('offered again after its result was acknowledged, finds nothing new to commit', async () => {
    const { connection, tentacle } = await linked();
    const data = await tarOf({ 'a.txt': 'a' });
    const body = prepareOf(data, 'v1');
    const first = outcome(await push(connection, data, body));
    await waitFor(() => tentacle.tasks.spooled.length === 0, { what: 'the acknowledgement' });
    connection.results.length = 0;
    const repeated = outcome(await push(connection, data, body));
    expect(repeated).toEqual({ version: first.version, modified: false });
  });

  it('gives a fresh nodeapp a first version even from an empty source', async () => {
    const { connection, config } = await linked();
    const data = await tarOf({});
    const result = await push(connection, data, prepareOf(data, '(Prepare-Stage1) empty'));
    const first = outcome(result);
    expect(first).toEqual({ version: expect.stringMatching(/^[0-9a-f]{40}$/), modified: true });
    const repo = (await VersionedRepo.find(join(config.workspace.root, 'web@demo'))) as VersionedRepo;
    expect((await repo.versions()).map((v) => [v.hash, v.message])).toEqual([
      [first.version, '(Prepare-Stage1) empty'],
    ]);
  });
});

describe('nodeapp.list', () => {
  it('lists every nodeapp sorted with HEAD, dirtiness and versions, or one, or refuses a missing one', async () => {
    const { connection, config } = await linked();
    const root = config.workspace.root;
    const data = await tarOf({ 'a.txt': 'a' });
    await push(connection, data, prepareOf(data, 'v1'));
    await run(connection, scriptAssignment('s.sh', 'echo new > b.txt', { app: web }));
    await run(connection, change({ op: 'commit', message: 'v2', always: false }));
    writeFileSync(join(root, 'web@demo', 'c.txt'), 'uncommitted');
    await run(connection, assignment({ command: 'true', app: { app: 'api', scenario: 'demo' } }));
    // Not nodeapps: no repository, or not named <app>@<scenario>.
    mkdirSync(join(root, 'junk@demo'));
    mkdirSync(join(root, 'plain', '.git'), { recursive: true });

    const apps = await list(connection, null);
    expect(apps.map((a) => `${a.app}@${a.scenario}`)).toEqual(['api@demo', 'web@demo']);
    expect(apps[0]).toEqual({ app: 'api', scenario: 'demo', head: '', dirty: false, versions: [] });
    const repo = (await VersionedRepo.find(join(root, 'web@demo'))) as VersionedRepo;
    expect(apps[1]).toMatchObject({ head: await repo.head(), dirty: true });
    expect(apps[1].versions.map((v) => v.message)).toEqual(['v2', 'v1']);
    expect(apps[1].versions[0]).toEqual({ hash: await repo.head(), time: expect.any(Number), message: 'v2' });

    const only = await list(connection, web, 1, 1);
    expect(only.map((a) => [a.app, a.versions.map((v) => v.message)])).toEqual([['web', ['v1']]]);
    await expect(
      connection.peer.request('nodeapp.list', {
        only: { app: 'junk', scenario: 'demo' },
        offset: 0,
        limit: 5,
      }),
    ).rejects.toThrow('not_found: no nodeapp junk@demo on pi-1');
  });
});
