import { waitFor } from '@octopod/testing';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESTARTED_ERROR } from '../exec/result';
import { FakeUplink } from '../testing/fake-uplink';
import { assignment, runnerWorld } from '../testing/task-fixtures';
import { acceptedLine, FileJournal, replayJournal } from './journal';
import { FileSpool, spoolFileName } from './spool';

let world: ReturnType<typeof runnerWorld>;

beforeEach(() => {
  world = runnerWorld('durability-');
});

afterEach(async () => {
  await world.cleanup();
});

const resultsDir = () => join(world.dirs.state, 'results');
const journalText = () => readFileSync(join(world.dirs.state, 'journal.log'), 'utf8');

describe('journal', () => {
  it('is on disk before `accepted` is answered, and a repeated id is a duplicate that does not run again', async () => {
    const runner = world.open();
    const uplink = new FakeUplink();
    runner.attach(uplink);
    const task = assignment({ command: 'echo run >> runs.txt' });
    await runner.assign(task);
    expect(replayJournal(journalText()).get(task.invocationId)).toMatchObject({ finished: false });
    await uplink.result(task.invocationId);
    await waitFor(() => replayJournal(journalText()).get(task.invocationId)?.finished, {
      what: 'finish line',
    });
    expect(await runner.assign(task)).toEqual({
      kind: 'task.accepted',
      body: { invocationId: task.invocationId, duplicate: true },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readFileSync(join(world.dirs.workspace, 'runs.txt'), 'utf8')).toBe('run\n');
  });

  it('survives a crash: the interrupted id is reported failed, never re-run, even when assigned again', async () => {
    const first = world.open();
    const up1 = new FakeUplink();
    first.attach(up1);
    const task = assignment({ command: 'echo run >> runs.txt; sleep 30' });
    await first.assign(task);
    const runs = join(world.dirs.workspace, 'runs.txt');
    await waitFor(() => existsSync(runs), { what: 'the run to begin' });
    // What a kill -9 of the tentacle leaves on disk: its state directory as it is while the command runs.
    const crashed = join(world.dirs.root, 'state-at-crash');
    cpSync(world.dirs.state, crashed, { recursive: true });

    const second = world.open({ stateDir: crashed });
    expect(second.spooled).toEqual([
      expect.objectContaining({ invocationId: task.invocationId, state: 'failed', error: RESTARTED_ERROR }),
    ]);
    const up2 = new FakeUplink();
    second.attach(up2);
    expect(await up2.result(task.invocationId)).toMatchObject({ state: 'failed', error: RESTARTED_ERROR });
    expect((await second.assign(task)).body).toEqual({ invocationId: task.invocationId, duplicate: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    expect(second.spooled).toEqual([]);

    // On the start after that the id is still known (finished now): still never run, nothing to report.
    const third = world.open({ stateDir: crashed });
    expect(third.spooled).toEqual([]);
    expect((await third.assign(task)).body).toMatchObject({ duplicate: true });
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });

  it('keeps a result that was spooled before the crash instead of reporting a restart', async () => {
    const first = world.open();
    first.attach(Object.assign(new FakeUplink(), { ack: false }));
    const task = assignment({ command: 'echo done' });
    await first.assign(task);
    await waitFor(() => first.spooled.length === 1, { what: 'spooled result' });
    // A crash between spooling the result and journaling its end: the journal still says unfinished.
    appendFileSync(join(world.dirs.state, 'journal.log'), acceptedLine(task.invocationId, Date.now()));
    const second = world.open();
    expect(second.spooled).toEqual([expect.objectContaining({ state: 'success', stdout: 'done\n' })]);
  });

  it('compacts on open, dropping finished ids older than 7 days and a torn last line', () => {
    const now = Date.now();
    const day = 24 * 3600 * 1000;
    const path = join(world.dirs.state, 'journal.log');
    FileJournal.open(world.dirs.state).close();
    writeFileSync(
      path,
      `${acceptedLine('old', now - 8 * day)}{"f":"old"}\n${acceptedLine('young', now - day)}{"f":"young"}\n{"a":"torn","t`,
    );
    const journal = FileJournal.open(world.dirs.state);
    expect(journal.has('old')).toBe(false);
    expect(journal.has('young')).toBe(true);
    expect(journal.has('torn')).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(`${acceptedLine('young', now - day)}{"f":"young"}\n`);
    void journal.close();
  });

  it('groups concurrent accepts into few writes and loses none', async () => {
    const journal = FileJournal.open(world.dirs.state);
    await Promise.all(Array.from({ length: 200 }, (_, i) => journal.accept(`id-${i}`)));
    await Promise.all(Array.from({ length: 200 }, (_, i) => journal.finish(`id-${i}`)));
    await journal.close();
    const records = replayJournal(journalText());
    expect(records.size).toBe(200);
    expect([...records.values()].every((r) => r.finished)).toBe(true);
  });
});

describe('spool', () => {
  it('keeps a result until the brain acknowledges it, re-sending it after every welcome', async () => {
    const runner = world.open({ resultTimeoutMs: 100 });
    const silent = Object.assign(new FakeUplink(), { ack: false });
    runner.attach(silent);
    const task = assignment({ command: 'echo kept' });
    await runner.assign(task);
    await silent.result(task.invocationId);
    const file = join(resultsDir(), spoolFileName(task.invocationId));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ state: 'success', stdout: 'kept\n' });
    // Unanswered while the session lasts: tried again after the timeout and the retry interval.
    await waitFor(() => silent.results.length >= 2, { what: 're-send on the same session' });

    // The session ends; the next welcome gets the result again, and its ack removes it.
    silent.close();
    runner.detach(silent);
    const next = new FakeUplink();
    runner.attach(next);
    expect((await next.result(task.invocationId)).stdout).toBe('kept\n');
    await waitFor(() => !existsSync(file), { what: 'spool file removed' });
    expect(runner.spooled).toEqual([]);
  });

  it('survives a restart: results left on disk are re-sent by the next tentacle and removed on ack', async () => {
    const first = world.open();
    first.attach(Object.assign(new FakeUplink(), { ack: false }));
    const tasks = [assignment({ command: 'echo one' }), assignment({ command: 'echo two' })];
    for (const task of tasks) await first.assign(task);
    await waitFor(() => first.spooled.length === 2, { what: 'two spooled results' });
    await first.close();

    const second = world.open();
    const uplink = new FakeUplink();
    second.attach(uplink);
    const results = await Promise.all(tasks.map((task) => uplink.result(task.invocationId)));
    expect(results.map((r) => r.stdout)).toEqual(['one\n', 'two\n']);
    await waitFor(() => readdirSync(resultsDir()).length === 0, { what: 'empty spool' });
  });

  it('re-sends a spooled result when its id is assigned again', async () => {
    const runner = world.open();
    runner.attach(Object.assign(new FakeUplink(), { ack: false }));
    const task = assignment({ command: 'echo again' });
    await runner.assign(task);
    await waitFor(() => runner.spooled.length === 1, { what: 'spooled result' });
    const uplink = new FakeUplink();
    runner.attach(uplink);
    await uplink.result(task.invocationId);
    uplink.results.length = 0;
    await runner.assign(task);
    expect(uplink.results).toEqual([]);
    // Acked by now, so nothing left to re-send: a duplicate answered accepted and nothing else.
    expect(runner.spooled).toEqual([]);
  });

  it('drops an unreadable result file and leftovers of an interrupted write', () => {
    const spool = new FileSpool(resultsDir());
    writeFileSync(join(resultsDir(), 'bad.json'), '{"nope":');
    writeFileSync(join(resultsDir(), 'x.json.tmp'), 'partial');
    const dropped: string[] = [];
    const reopened = new FileSpool(resultsDir(), (file) => dropped.push(file));
    expect(reopened.list()).toEqual([]);
    expect(dropped).toEqual(['bad.json']);
    expect(readdirSync(resultsDir())).toEqual([]);
    expect(spool.list()).toEqual([]);
  });

  it('keeps the results of what the tentacle stopped, for the next start', async () => {
    const runner = world.open();
    runner.attach(Object.assign(new FakeUplink(), { ack: false }));
    const task = assignment({ command: 'sleep 30' });
    const waiting = assignment({ command: 'touch never', delayMs: 10_000 });
    await runner.assign(task);
    await runner.assign(waiting);
    await waitFor(() => runner.active === 2, { what: 'two active' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await runner.close();
    const next = world.open();
    const byId = Object.fromEntries(next.spooled.map((r) => [r.invocationId, r]));
    expect(byId[task.invocationId]).toMatchObject({
      state: 'failed',
      error: 'the tentacle stopped while this ran',
      signal: 'SIGTERM',
    });
    expect(byId[waiting.invocationId]).toMatchObject({
      state: 'failed',
      error: 'the tentacle stopped before this started',
    });
  });
});
