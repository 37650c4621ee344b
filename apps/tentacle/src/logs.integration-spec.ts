import { logFileName } from '@octopod/logfiles';
import type { LogLines } from '@octopod/protocol';
import { waitFor } from '@octopod/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkedTentacle, useLinkWorld } from './testing/linked-tentacle';
import { assignment } from './testing/task-fixtures';

const world = useLinkWorld('tentacle-logs-it-');
let logDirs = 0;

/** A linked tentacle logging into daily files `agent_YYYY_MM_DD.log` of a fresh directory. */
async function loggingToFiles() {
  const logDir = join(world.dir, `log-${++logDirs}`);
  const linked = await linkedTentacle(world, {
    config: { logger: { path: logDir, namePrefix: 'agent', level: 'debug' } },
  });
  const dayFile = (daysBefore = 0) => {
    const now = new Date();
    return join(
      logDir,
      logFileName('agent', new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBefore)),
    );
  };
  return { ...linked, logDir, dayFile };
}

const parsed = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('log files over the link', () => {
  it('writes the tentacle’s own lines to today’s file and answers log.get with the last of them', async () => {
    const { connection, dayFile } = await loggingToFiles();
    // A task adds lines of its own after `ready`.
    const task = assignment({ command: 'true' });
    await connection.peer.request('task.assign', task);
    await waitFor(() => connection.results.find((r) => r.invocationId === task.invocationId));
    const written = parsed(readFileSync(dayFile(), 'utf8').trimEnd().split('\n'));
    expect(written.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['ready', 'task accepted', 'task finished']),
    );

    const reply = await connection.peer.request('log.get', { maxLines: 2, maxDaysBefore: 0 });
    expect(reply.kind).toBe('log.lines');
    const body = reply.body as LogLines;
    expect(body.maxDaysBefore).toBe(0);
    expect(body.lines).toHaveLength(2);
    for (const line of parsed(body.lines)) expect(line).toMatchObject({ name: 'pi-1' });
    // The newest lines, newest last: consecutive lines of the file (more may have been logged since).
    expect(readFileSync(dayFile(), 'utf8')).toContain(`${body.lines.join('\n')}\n`);
  });

  it('names the task on the lines of its invocation', async () => {
    const { connection, dayFile } = await loggingToFiles();
    const task = assignment({ command: 'echo hi', taskId: 'task-with-logs' });
    await connection.peer.request('task.assign', task);
    await waitFor(() => connection.results.find((r) => r.invocationId === task.invocationId));
    const about = parsed(readFileSync(dayFile(), 'utf8').trimEnd().split('\n')).filter(
      (line) => line.invocationId === task.invocationId,
    );
    expect(about.map((line) => line.msg)).toEqual(expect.arrayContaining(['task accepted', 'task finished']));
    for (const line of about) expect(line).toMatchObject({ taskId: 'task-with-logs' });
  });

  it('reads earlier days only as far as maxDaysBefore allows, and says how far it read', async () => {
    const { connection, logDir, dayFile } = await loggingToFiles();
    mkdirSync(logDir, { recursive: true });
    writeFileSync(dayFile(1), '{"msg":"yesterday 1"}\n{"msg":"yesterday 2"}\n');
    writeFileSync(dayFile(3), '{"msg":"three days ago"}\n');

    const todayOnly = (await connection.peer.request('log.get', { maxLines: 10_000, maxDaysBefore: 0 }))
      .body as LogLines;
    expect(todayOnly.maxDaysBefore).toBe(0);
    expect(todayOnly.lines).not.toContain('{"msg":"yesterday 2"}');

    const twoDays = (await connection.peer.request('log.get', { maxLines: 10_000, maxDaysBefore: 2 }))
      .body as LogLines;
    expect(twoDays.maxDaysBefore).toBe(1);
    expect(twoDays.lines.slice(0, 2)).toEqual(['{"msg":"yesterday 1"}', '{"msg":"yesterday 2"}']);
    expect(twoDays.lines.length).toBeGreaterThan(2);

    const all = (await connection.peer.request('log.get', { maxLines: 10_000, maxDaysBefore: 5 }))
      .body as LogLines;
    expect(all.maxDaysBefore).toBe(3);
    expect(all.lines[0]).toBe('{"msg":"three days ago"}');
  });

  it('answers not_found when the node keeps no log files (logger.path empty)', async () => {
    const { connection } = await linkedTentacle(world);
    await expect(connection.peer.request('log.get', { maxLines: 5, maxDaysBefore: 1 })).rejects.toThrow(
      'not_found: this node keeps no log files (logger.path is empty)',
    );
  });
});
